package io.herald.im.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.im.ConvKey;
import io.herald.im.ImDatabaseConfig;
import io.herald.im.ImUnavailableException;
import io.herald.im.NewMessage;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL (a schema of each test's own), and the server going away.
 */
@RealPostgres
class PostgresImStoreIT extends ImStoreContract {
  private PostgresServer postgres;

  @BeforeEach
  void connect(PostgresServer postgres) {
    this.postgres = postgres;
  }

  @Override
  ImDatabaseConfig database() {
    return new ImDatabaseConfig(
        postgres.jdbcUrl(), postgres.user(), postgres.password(), 4, Duration.ofSeconds(5));
  }

  @Override
  long statementsPerAppend() {
    return 1; // the CTE: bump and insert in one statement
  }

  @Test
  void theMessageTableHasSize() {
    JdbcImStore store = open();
    store.append(new NewMessage(ConvKey.user(1, 2), 1, 1, 1, 1, new byte[100], 1));

    assertThat(store.tableBytes().get("im_message")).isPositive();
  }

  /**
   * The database refuses connections and drops the open ones (as when it goes down): calls fail as
   * unavailable with the SQL state; when it comes back, calls work again.
   */
  @Test
  void aDatabaseThatGoesAwayIsUnavailableUntilItComesBack() throws SQLException {
    String name = ("im_down_" + postgres.schema()).toLowerCase(java.util.Locale.ROOT);
    name = name.length() > 60 ? name.substring(0, 60) : name;
    String adminUrl = postgres.jdbcUrl();
    String url = adminUrl.replaceFirst("/postgres\\?", "/" + name + "?");
    admin(adminUrl, "CREATE DATABASE " + name);
    try {
      JdbcImStore store =
          new JdbcImStore(
              new ImDatabaseConfig(
                  url, postgres.user(), postgres.password(), 2, Duration.ofMillis(500)));
      try {
        store.start();
        ConvKey conv = ConvKey.user(1, 2);
        store.append(new NewMessage(conv, 1, 1, 1, 1, new byte[] {1}, 1));

        admin(adminUrl, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        admin(
            adminUrl,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + name
                + "'");

        assertThatThrownBy(() -> store.append(new NewMessage(conv, 2, 1, 2, 1, new byte[0], 2)))
            .isInstanceOf(ImUnavailableException.class)
            .satisfies(e -> assertThat(((ImUnavailableException) e).sqlState()).isNotEmpty());
        assertThatThrownBy(() -> store.history(conv, 0, 0, 0, 10))
            .isInstanceOf(ImUnavailableException.class);

        admin(adminUrl, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreException(ImUnavailableException.class)
            .until(
                () ->
                    store.append(new NewMessage(conv, 3, 1, 3, 1, new byte[0], 3)).message().seq()
                        == 2);
        assertThat(store.history(conv, 0, 0, 0, 10).lastSeq()).isEqualTo(2);
      } finally {
        store.stop();
      }
    } finally {
      admin(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private void admin(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
