package io.herald.testkit;

import java.sql.SQLException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The extension behind {@link RealPostgres}. */
final class PostgresExtension extends RealServerExtension<PostgresInstance, PostgresServer> {

  private static final Logger LOGGER = LoggerFactory.getLogger(PostgresExtension.class);
  private static final int MAX_IDENTIFIER = 63;

  PostgresExtension() {
    super(
        PostgresInstance.class,
        PostgresServer.class,
        "PostgreSQL",
        "Install it with `apt-get install -y postgresql` (the testkit runs initdb and pg_ctl from"
            + " /usr/lib/postgresql/*/bin), or set "
            + TestEnvironment.PG_URL
            + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres) to use a running"
            + " server.");
  }

  @Override
  PostgresInstance start(TestEnvironment env) throws StartupFailure {
    return PostgresInstance.connect(env);
  }

  @Override
  View<PostgresServer> open(PostgresInstance server, ExtensionContext context) throws SQLException {
    String name = ("test_" + UniqueNames.next(context)).replace('-', '_');
    String schema = name.length() > MAX_IDENTIFIER ? name.substring(0, MAX_IDENTIFIER) : name;
    server.execute("create schema \"" + schema + "\"");
    String base = server.jdbcUrl();
    String jdbcUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    var view =
        new PostgresServer(
            jdbcUrl, server.urlParameter("user"), server.urlParameter("password"), schema);
    return new View<>(
        view,
        () -> {
          try {
            server.execute(
                "set lock_timeout = '5s'; drop schema if exists \"" + schema + "\" cascade");
          } catch (SQLException e) {
            LOGGER.warn("cannot drop schema {}: {}", schema, e.toString());
          }
        });
  }
}
