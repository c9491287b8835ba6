package io.herald.dist;

import io.herald.balancer.locate.GeoIpDatabase;
import io.herald.balancer.server.BalancerConfig;
import io.herald.balancer.server.BalancerServer;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.config.ConfigException;
import io.herald.dist.Preflight.Endpoint;
import io.herald.dist.Preflight.Listener;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.server.IdGenConfig;
import io.herald.idgen.server.IdGenServer;
import io.herald.job.config.JobConfig;
import io.herald.job.server.JobServer;
import io.herald.logic.auth.Authenticators;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.receive.ReceiveConfig;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.logic.store.StoreConfig;
import io.herald.registry.Registries;
import io.herald.registry.RegistryConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The production roles, each alone in its process with the backends its config names. */
final class Roles {
  private Roles() {}

  static final Role<LogicConfig> LOGIC =
      new Role<>(
          "logic",
          LogicConfig.class,
          LogicConfig.defaults(),
          "LOGIC",
          Roles::checkLogic,
          config ->
              List.of(
                  new Listener(
                      setting("LOGIC", "server.httpPort"),
                      config.server().host(),
                      config.server().httpPort()),
                  new Listener(
                      setting("LOGIC", "server.grpcPort"),
                      config.server().host(),
                      config.server().grpcPort())),
          Roles::logicEndpoints,
          (config, clock, meters, tracing) -> {
            LogicServer server =
                new LogicServer(config, clock, meters, LogicServer.Provided.NONE, tracing);
            server.start();
            return server::stop;
          });

  static final Role<CometConfig> COMET =
      new Role<>(
          "comet",
          CometConfig.class,
          CometConfig.serviceDefaults(),
          "COMET",
          CometServer::checkTls,
          Roles::cometListeners,
          config -> {
            List<Endpoint> endpoints =
                new ArrayList<>(registryEndpoints(config.registry(), "COMET"));
            // A gRPC name-resolver target (dns:///…) is left to gRPC; host:port is checked here.
            if (!config.logic().target().contains("://")) {
              endpoints.add(
                  new Endpoint(
                      "Logic (gRPC)", setting("COMET", "logic.target"), config.logic().target()));
            }
            return endpoints;
          },
          (config, clock, meters, tracing) -> {
            CometServer server = new CometServer(config, clock, meters, tracing);
            server.start();
            return () -> server.drainThenStop(config.drain());
          });

  static final Role<JobConfig> JOB =
      new Role<>(
          "job",
          JobConfig.class,
          JobConfig.defaults(),
          "JOB",
          config -> {},
          config ->
              List.of(
                  new Listener(
                      setting("JOB", "server.port"),
                      config.server().host(),
                      config.server().port())),
          config -> {
            List<Endpoint> endpoints = new ArrayList<>(registryEndpoints(config.registry(), "JOB"));
            endpoints.add(
                new Endpoint(
                    "Kafka",
                    setting("JOB", "kafka.bootstrapServers"),
                    config.kafka().bootstrapServers()));
            return endpoints;
          },
          (config, clock, meters, tracing) -> {
            JobServer server = new JobServer(config, clock, meters, tracing);
            server.start();
            return server::stop;
          });

  static final Role<BalancerConfig> BALANCER =
      new Role<>(
          "balancer",
          BalancerConfig.class,
          BalancerConfig.defaults(),
          "BALANCER",
          config -> checkGeoIp(config.selection().geoipDatabase()),
          config ->
              List.of(
                  new Listener(
                      setting("BALANCER", "server.port"),
                      config.server().host(),
                      config.server().port())),
          config -> registryEndpoints(config.registry(), "BALANCER"),
          (config, clock, meters, tracing) -> {
            BalancerServer server =
                new BalancerServer(
                    config, Registries.create(config.registry(), clock, meters), meters);
            server.start();
            return server::stop;
          });

  static final Role<IdGenConfig> IDGEN =
      new Role<>(
          "idgen",
          IdGenConfig.class,
          IdGenConfig.defaults(),
          "IDGEN",
          config -> checkDriver(config.database().url()),
          config ->
              config.server().port() == 0
                  ? List.of()
                  : List.of(
                      new Listener(
                          setting("IDGEN", "server.port"),
                          config.server().host(),
                          config.server().port())),
          config -> {
            List<Endpoint> endpoints = new ArrayList<>();
            String url = config.database().url();
            if (!url.startsWith("jdbc:h2:")) {
              endpoints.add(new Endpoint("the database", setting("IDGEN", "database.url"), url));
            }
            if (LeaseConfig.REDIS.equals(config.leases().store())) {
              endpoints.add(
                  new Endpoint(
                      "Redis (worker leases)",
                      setting("IDGEN", "leases.redis.uri"),
                      config.leases().redis().contactPoints()));
            }
            return endpoints;
          },
          (config, clock, meters, tracing) -> {
            IdGenServer server = new IdGenServer(config, clock, meters);
            server.start();
            return server::stop;
          });

  static final List<Role<?>> ALL = List.of(LOGIC, COMET, JOB, BALANCER, IDGEN);

  /**
   * {@code key (PREFIX_KEY)}: a config key and the environment variable that sets it, as messages
   * name them.
   */
  static String setting(String prefix, String key) {
    return key + " (" + prefix + "_" + key.replace(".", "_").toUpperCase(Locale.ROOT) + ")";
  }

  /** Push API tokens, and the keys (jwt) or URL (webhook) of the auth mode. */
  private static void checkLogic(LogicConfig config) {
    try {
      config.push().api().checkTokens();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("push.api." + e.getMessage(), e);
    }
    Authenticators.check(config.auth());
  }

  /** A JDBC URL no driver on the classpath takes fails at start inside the pool: named here. */
  private static void checkDriver(String url) {
    try {
      var unused = DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw new ConfigException(
          "database.url: "
              + url
              + " (expected: a JDBC URL of a driver the launcher has: PostgreSQL and H2 come with"
              + " it; put another driver's jar, e.g. MySQL's, in dist/target/lib/)",
          e);
    }
  }

  private static void checkGeoIp(String file) {
    if (file.isEmpty()) {
      return;
    }
    try {
      // Opened and closed again: the Balancer opens it for good when it starts.
      GeoIpDatabase.open(Path.of(file)).close();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "selection.geoipDatabase: "
              + file
              + " cannot be opened ("
              + e.getMessage()
              + ") (expected: a MaxMind City database file, MMDB)",
          e);
    }
  }

  private static List<Listener> cometListeners(CometConfig config) {
    CometConfig.Listen listen = config.listen();
    List<Listener> listeners = new ArrayList<>();
    addListener(listeners, "listen.tcpPort", listen.host(), listen.tcpPort());
    addListener(listeners, "listen.wsPort", listen.host(), listen.wsPort());
    addListener(listeners, "listen.wssPort", listen.host(), listen.wssPort());
    addListener(listeners, "listen.tcpTlsPort", listen.host(), listen.tcpTlsPort());
    addListener(listeners, "listen.grpcPort", listen.host(), listen.grpcPort());
    addListener(listeners, "listen.adminPort", listen.host(), listen.adminPort());
    return listeners;
  }

  private static void addListener(List<Listener> listeners, String key, String host, int port) {
    if (port != 0) {
      listeners.add(new Listener(setting("COMET", key), host, port));
    }
  }

  private static List<Endpoint> logicEndpoints(LogicConfig config) {
    List<Endpoint> endpoints = new ArrayList<>(registryEndpoints(config.registry(), "LOGIC"));
    if (StoreConfig.REDIS.equals(config.store().backend())) {
      endpoints.add(
          new Endpoint(
              "Redis (sessions)",
              setting("LOGIC", "store.redis.uri"),
              config.store().redis().contactPoints()));
    }
    endpoints.add(
        new Endpoint(
            "Kafka (pushes)",
            setting("LOGIC", "push.kafka.bootstrapServers"),
            config.push().kafka().bootstrapServers()));
    if (ReceiveConfig.KAFKA.equals(config.receive().sink())) {
      endpoints.add(
          new Endpoint(
              "Kafka (upstream messages)",
              setting("LOGIC", "receive.kafka.bootstrapServers"),
              config.receive().kafka().bootstrapServers()));
    }
    MessageIdsConfig ids = config.push().messageIds();
    // A gRPC name-resolver target (dns:///…) is left to gRPC; host:port is checked here.
    if (MessageIdsConfig.IDGEN.equals(ids.source()) && !ids.idgen().target().contains("://")) {
      endpoints.add(
          new Endpoint(
              "IdGen (message ids)",
              setting("LOGIC", "push.messageIds.idgen.target"),
              ids.idgen().target()));
    }
    String imDatabase = config.im().database().url();
    if (config.im().enabled() && !imDatabase.startsWith("jdbc:h2:")) {
      endpoints.add(
          new Endpoint("the IM database", setting("LOGIC", "im.database.url"), imDatabase));
    }
    return endpoints;
  }

  private static List<Endpoint> registryEndpoints(RegistryConfig registry, String prefix) {
    if (!RegistryConfig.REDIS.equals(registry.backend())) {
      return List.of();
    }
    return List.of(
        new Endpoint(
            "Redis (registry)",
            setting(prefix, "registry.redis.uri"),
            registry.redis().contactPoints()));
  }
}
