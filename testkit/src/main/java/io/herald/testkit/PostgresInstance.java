package io.herald.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The PostgreSQL this test JVM uses: the one at {@code PG_URL}, or a cluster it started. */
final class PostgresInstance implements AutoCloseable {

  private static final String SCRATCH_PREFIX = "herald-postgres-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration EXTERNAL_TIMEOUT = Duration.ofSeconds(10);

  private final String jdbcUrl;
  private final PostgresCluster cluster;
  private final ScratchDirectory directory;
  private final AutoCloseable container;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PostgresInstance(
      String jdbcUrl,
      PostgresCluster cluster,
      ScratchDirectory directory,
      AutoCloseable container) {
    this.jdbcUrl = jdbcUrl;
    this.cluster = cluster;
    this.directory = directory;
    this.container = container;
  }

  static PostgresInstance connect(TestEnvironment env) throws StartupFailure {
    var url = env.get(TestEnvironment.PG_URL);
    if (url.isPresent()) {
      awaitConnection(
          url.get(), "PostgreSQL at " + TestEnvironment.PG_URL + "=" + url.get(), EXTERNAL_TIMEOUT);
      return new PostgresInstance(url.get(), null, null, null);
    }
    if (ContainerSwitch.containers(env)) {
      return inContainer();
    }
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = ScratchDirectory.create(SCRATCH_PREFIX);
    PostgresCluster cluster = null;
    try {
      cluster = PostgresCluster.start(env, directory);
      String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres?user=postgres";
      awaitConnection(jdbcUrl, "PostgreSQL on 127.0.0.1:" + cluster.port(), STARTUP_TIMEOUT);
      return new PostgresInstance(jdbcUrl, cluster, directory, null);
    } catch (StartupFailure e) {
      if (cluster != null) {
        cluster.stop(directory);
      }
      directory.close();
      throw e;
    }
  }

  private static PostgresInstance inContainer() throws StartupFailure {
    Containers.Started postgres = Containers.postgres();
    try {
      awaitConnection(
          postgres.address(), "PostgreSQL in " + Containers.POSTGRES_IMAGE, EXTERNAL_TIMEOUT);
      return new PostgresInstance(postgres.address(), null, null, postgres.container());
    } catch (StartupFailure e) {
      Containers.stop(postgres);
      throw e;
    }
  }

  private static void awaitConnection(String jdbcUrl, String server, Duration timeout)
      throws StartupFailure {
    Poller.await(
        server + " accepts a JDBC connection",
        timeout,
        () -> {
          try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            return connection.isValid(5);
          }
        });
  }

  /** The URL to connect with, without a schema. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  /** The value of a parameter in the URL's query string, or "" if it has none. */
  String urlParameter(String name) {
    Map<String, String> parameters = new HashMap<>();
    int query = jdbcUrl.indexOf('?');
    if (query >= 0) {
      for (String pair : jdbcUrl.substring(query + 1).split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          parameters.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return parameters.getOrDefault(name, "");
  }

  /** Runs one statement on a connection of its own. */
  void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The postmaster's process id when this JVM started the server, else empty. */
  Optional<Long> pid() {
    return cluster == null ? Optional.empty() : cluster.pid();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (cluster != null) {
      cluster.stop(directory);
      directory.close();
    }
    if (container != null) {
      Containers.stop(container);
    }
  }

  @Override
  public String toString() {
    if (container != null) {
      return jdbcUrl + " (container " + Containers.POSTGRES_IMAGE + ")";
    }
    return cluster == null
        ? jdbcUrl
        : jdbcUrl + " (postgres pid " + cluster.pid().map(String::valueOf).orElse("?") + ")";
  }
}
