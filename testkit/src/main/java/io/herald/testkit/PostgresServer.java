package io.herald.testkit;

/**
 * A real PostgreSQL as one test sees it: a schema of the test's own, and a JDBC URL whose {@code
 * currentSchema} is that schema, so unqualified names land there.
 */
public final class PostgresServer {

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String schema;

  PostgresServer(String jdbcUrl, String user, String password, String schema) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.schema = schema;
  }

  /**
   * For example {@code jdbc:postgresql://127.0.0.1:23456/postgres?user=postgres&currentSchema=
   * test_k3x9a_7_insert}; {@code DriverManager.getConnection(jdbcUrl())} needs nothing else.
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user named in the URL, e.g. {@code postgres}; "" if it names none. */
  public String user() {
    return user;
  }

  /** The password in the URL; "" if it has none (the started server trusts local connections). */
  public String password() {
    return password;
  }

  /** The schema unique to this test (or class), dropped when it is done. */
  public String schema() {
    return schema;
  }

  @Override
  public String toString() {
    return "PostgresServer{schema=" + schema + ", user=" + user + "}";
  }
}
