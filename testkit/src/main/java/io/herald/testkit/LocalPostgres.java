package io.herald.testkit;

import java.sql.SQLException;
import java.util.Optional;

/**
 * A PostgreSQL for programs outside JUnit (the benchmarks): the server at {@code PG_URL}, or a
 * cluster started with {@code initdb} and {@code pg_ctl} exactly as {@link RealPostgres} gives
 * tests (fsync and synchronous commit off), with a schema of the caller's own. {@link #close()}
 * drops the schema and stops a server it started.
 */
public final class LocalPostgres implements AutoCloseable {
  private final PostgresInstance instance;
  private final String schema;
  private final String jdbcUrl;

  private LocalPostgres(PostgresInstance instance, String schema) {
    this.instance = instance;
    this.schema = schema;
    String base = instance.jdbcUrl();
    this.jdbcUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /**
   * Connects or starts a server and creates schema {@code schema} (dropped first if it exists).
   *
   * @param schema a plain lower-case identifier
   * @throws IllegalStateException naming what failed
   */
  public static LocalPostgres start(String schema) {
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "schema: '" + schema + "' (expected: a lower-case identifier of at most 63 characters)");
    }
    PostgresInstance instance;
    try {
      instance = PostgresInstance.connect(TestEnvironment.system());
    } catch (StartupFailure e) {
      throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
    }
    try {
      instance.execute(
          "drop schema if exists \"" + schema + "\" cascade; create schema \"" + schema + "\"");
    } catch (SQLException e) {
      instance.close();
      throw new IllegalStateException("PostgreSQL: cannot create schema " + schema + ": " + e, e);
    }
    return new LocalPostgres(instance, schema);
  }

  /** The URL whose {@code currentSchema} is this schema; it needs nothing else to connect. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String schema() {
    return schema;
  }

  /** The postmaster's process id when this JVM started the server, else empty. */
  public Optional<Long> pid() {
    return instance.pid();
  }

  @Override
  public void close() {
    try {
      instance.execute("set lock_timeout = '5s'; drop schema if exists \"" + schema + "\" cascade");
    } catch (SQLException e) {
      // the server goes away with its scratch directory when this JVM started it
    }
    instance.close();
  }
}
