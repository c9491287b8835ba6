package io.herald.im.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herald.im.ImDatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The IM database: a HikariCP pool, migrated with Flyway ({@code classpath:db/im}, history in
 * {@code im_schema_history}) when it starts. Flyway takes a lock while it migrates (an advisory
 * lock on PostgreSQL, a table lock on H2), so servers starting together apply each migration once.
 * The constructor does no I/O; {@link #start()} and {@link #stop()} are idempotent.
 */
final class ImDatabase {
  static final String HISTORY_TABLE = "im_schema_history";
  static final String LOCATION = "classpath:db/im";

  private final ImDatabaseConfig config;
  private HikariDataSource pool;

  ImDatabase(ImDatabaseConfig config) {
    this.config = config;
  }

  boolean postgres() {
    return config.postgres();
  }

  /**
   * Opens the pool (checking one connection) and applies pending migrations.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated
   */
  synchronized void start() {
    if (pool != null) {
      return;
    }
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.url());
    if (!config.user().isEmpty()) {
      hikari.setUsername(config.user());
    }
    if (!config.password().isEmpty()) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(config.connectTimeout().toMillis());
    hikari.setInitializationFailTimeout(config.connectTimeout().toMillis());
    hikari.setPoolName("herald-im");
    if (!config.postgres()) {
      // Writers of one conversation queue on its row lock; H2's default wait is 1 s.
      hikari.setConnectionInitSql("SET LOCK_TIMEOUT 10000");
    }
    HikariDataSource opened;
    try {
      opened = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to the im database " + config.url() + ": " + e.getMessage(), e);
    }
    try {
      Flyway.configure()
          .dataSource(opened)
          .locations(LOCATION)
          .table(HISTORY_TABLE)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      opened.close();
      throw new IllegalStateException("cannot migrate the im database: " + e.getMessage(), e);
    }
    pool = opened;
  }

  /** A pooled connection in auto-commit mode; the caller closes it. */
  Connection connection() throws SQLException {
    HikariDataSource current;
    synchronized (this) {
      current = pool;
    }
    if (current == null) {
      throw new SQLException("the im store is not started", "08003");
    }
    return current.getConnection();
  }

  synchronized void stop() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
