package io.herald.idgen.db;

import io.herald.config.Check;
import io.herald.config.Secrets;
import java.time.Duration;

/**
 * The database holding segment rows (and worker leases when they are kept in the database).
 *
 * @param url a JDBC URL: {@code jdbc:postgresql://...}, {@code jdbc:mysql://...} (bring the MySQL
 *     driver), or {@code jdbc:h2:file:...} for the embedded default
 * @param user may be empty when the URL carries it
 * @param password may be empty
 * @param poolSize connections in the pool (HikariCP); segment loads and lease renewals are rare, a
 *     few suffice
 * @param connectTimeout how long to wait for a connection from the pool
 */
public record DatabaseConfig(
    String url, String user, String password, int poolSize, Duration connectTimeout) {

  /** An H2 file under {@code ./data/idgen}, in PostgreSQL mode. */
  public static final String EMBEDDED_URL =
      "jdbc:h2:file:./data/idgen/idgen;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE";

  public DatabaseConfig {
    Check.notBlank("url", url);
    Dialect.of(url);
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    Check.inRange("poolSize", poolSize, 1, 100);
    Check.positive("connectTimeout", connectTimeout);
    Check.state(
        connectTimeout.toMillis() >= 250, "connectTimeout", connectTimeout, ">= 250ms (HikariCP)");
  }

  public static DatabaseConfig embedded() {
    return new DatabaseConfig(EMBEDDED_URL, "", "", 4, Duration.ofSeconds(5));
  }

  public Dialect dialect() {
    return Dialect.of(url);
  }

  /** Shows whether a password is set, never the password. */
  @Override
  public String toString() {
    return "DatabaseConfig[url="
        + Secrets.redactUri(url)
        + ", user="
        + user
        + ", password="
        + Secrets.presence(password)
        + ", poolSize="
        + poolSize
        + ", connectTimeout="
        + connectTimeout
        + "]";
  }
}
