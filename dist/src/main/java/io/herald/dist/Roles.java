package io.herald.dist;

import io.herald.balancer.server.BalancerConfig;
import io.herald.balancer.server.BalancerServer;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometMain;
import io.herald.comet.server.CometServer;
import io.herald.dist.Preflight.Endpoint;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.server.IdGenConfig;
import io.herald.idgen.server.IdGenServer;
import io.herald.job.config.JobConfig;
import io.herald.job.server.JobServer;
import io.herald.logic.push.PushConfig;
import io.herald.logic.receive.ReceiveConfig;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.logic.session.StoreConfig;
import io.herald.registry.Registries;
import io.herald.registry.RegistryConfig;
import java.util.ArrayList;
import java.util.List;

/** The production roles, each alone in its process with the backends its config names. */
final class Roles {
  private Roles() {}

  static final Role<LogicConfig> LOGIC =
      new Role<>(
          "logic",
          LogicConfig.class,
          LogicConfig.defaults(),
          "LOGIC",
          Roles::logicEndpoints,
          (config, clock, meters) -> {
            config.push().api().checkTokens();
            LogicServer server = new LogicServer(config, clock, meters);
            server.start();
            return server::stop;
          });

  static final Role<CometConfig> COMET =
      new Role<>(
          "comet",
          CometConfig.class,
          CometConfig.serviceDefaults(),
          "COMET",
          config -> {
            List<Endpoint> endpoints =
                new ArrayList<>(registryEndpoints(config.registry(), "COMET"));
            endpoints.add(
                new Endpoint(
                    "Logic (gRPC)", "logic.target (COMET_LOGIC_TARGET)", config.logic().target()));
            return endpoints;
          },
          (config, clock, meters) -> {
            CometServer server = new CometServer(config, clock, meters);
            server.start();
            return () -> CometMain.drainThenStop(server, config.drain());
          });

  static final Role<JobConfig> JOB =
      new Role<>(
          "job",
          JobConfig.class,
          JobConfig.defaults(),
          "JOB",
          config -> {
            List<Endpoint> endpoints = new ArrayList<>(registryEndpoints(config.registry(), "JOB"));
            endpoints.add(
                new Endpoint(
                    "Kafka",
                    "kafka.bootstrapServers (JOB_KAFKA_BOOTSTRAPSERVERS)",
                    config.kafka().bootstrapServers()));
            return endpoints;
          },
          (config, clock, meters) -> {
            JobServer server = new JobServer(config, clock, meters);
            server.start();
            return server::stop;
          });

  static final Role<BalancerConfig> BALANCER =
      new Role<>(
          "balancer",
          BalancerConfig.class,
          BalancerConfig.defaults(),
          "BALANCER",
          config -> registryEndpoints(config.registry(), "BALANCER"),
          (config, clock, meters) -> {
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
          config -> {
            List<Endpoint> endpoints = new ArrayList<>();
            String url = config.database().url();
            if (!url.startsWith("jdbc:h2:")) {
              endpoints.add(new Endpoint("the database", "database.url (IDGEN_DATABASE_URL)", url));
            }
            if (LeaseConfig.REDIS.equals(config.leases().store())) {
              endpoints.add(
                  new Endpoint(
                      "Redis (worker leases)",
                      "leases.redis.uri (IDGEN_LEASES_REDIS_URI)",
                      config.leases().redis().uri()));
            }
            return endpoints;
          },
          (config, clock, meters) -> {
            IdGenServer server = new IdGenServer(config, clock, meters);
            server.start();
            return server::stop;
          });

  static final List<Role<?>> ALL = List.of(LOGIC, COMET, JOB, BALANCER, IDGEN);

  private static List<Endpoint> logicEndpoints(LogicConfig config) {
    List<Endpoint> endpoints = new ArrayList<>(registryEndpoints(config.registry(), "LOGIC"));
    if (StoreConfig.REDIS.equals(config.store().backend())) {
      endpoints.add(
          new Endpoint(
              "Redis (sessions)",
              "store.redis.uri (LOGIC_STORE_REDIS_URI)",
              config.store().redis().uri()));
    }
    endpoints.add(
        new Endpoint(
            "Kafka (pushes)",
            "push.kafka.bootstrapServers (LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS)",
            config.push().kafka().bootstrapServers()));
    if (ReceiveConfig.KAFKA.equals(config.receive().sink())) {
      endpoints.add(
          new Endpoint(
              "Kafka (upstream messages)",
              "receive.kafka.bootstrapServers (LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS)",
              config.receive().kafka().bootstrapServers()));
    }
    PushConfig.Ids ids = config.push().messageIds();
    // A gRPC name-resolver target (dns:///…) is left to gRPC; host:port is checked here.
    if (PushConfig.Ids.IDGEN.equals(ids.source()) && !ids.idgen().target().contains("://")) {
      endpoints.add(
          new Endpoint(
              "IdGen (message ids)",
              "push.messageIds.idgen.target (LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET)",
              ids.idgen().target()));
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
            "registry.redis.uri (" + prefix + "_REGISTRY_REDIS_URI)",
            registry.redis().uri()));
  }
}
