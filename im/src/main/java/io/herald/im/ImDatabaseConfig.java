package io.herald.im;

import io.herald.config.Check;
import io.herald.config.Secrets;
import java.time.Duration;

/**
 * The database holding the IM tables.
 *
 * @param url {@code jdbc:postgresql://...} in production, or {@code jdbc:h2:...} (PostgreSQL mode)
 *     for the embedded default
 * @param user may be empty when the URL carries it
 * @param password may be empty
 * @param poolSize connections in the pool (HikariCP): about the number of concurrent store calls
 *     the caller's executor makes
 * @param connectTimeout how long a call waits for a connection before it fails as unavailable
 */
public record ImDatabaseConfig(
    String url, String user, String password, int poolSize, Duration connectTimeout) {

  /** An H2 file under {@code ./data/im}, in PostgreSQL mode. */
  public static final String EMBEDDED_URL =
      "jdbc:h2:file:./data/im/im;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE";

  public ImDatabaseConfig {
    Check.notBlank("url", url);
    if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException(
          "url: " + url + " (expected: jdbc:postgresql: or jdbc:h2:)");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    Check.inRange("poolSize", poolSize, 1, 200);
    Check.positive("connectTimeout", connectTimeout);
    Check.state(
        connectTimeout.toMillis() >= 250, "connectTimeout", connectTimeout, ">= 250ms (HikariCP)");
  }

  /** The embedded H2 file, 8 connections, 5 s to connect. */
  public static ImDatabaseConfig embedded() {
    return new ImDatabaseConfig(EMBEDDED_URL, "", "", 8, Duration.ofSeconds(5));
  }

  /** Whether the URL names PostgreSQL (else H2). */
  public boolean postgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** Shows whether a password is set, never the password. */
  @Override
  public String toString() {
    return "ImDatabaseConfig[url="
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
