package io.herald.job.config;

import io.herald.config.Check;
import io.herald.registry.RegistryConfig;

/**
 * Job's configuration (YAML, overridden by {@code JOB_*} variables such as {@code
 * JOB_KAFKA_BOOTSTRAPSERVERS} or {@code JOB_REGISTRY_REDIS_URI}). The defaults are production's:
 * Kafka on localhost, the Redis registry, {@code /health} and {@code /metrics} on port {@value
 * #DEFAULT_PORT}.
 *
 * @param server where {@code /health} and {@code /metrics} are served
 * @param kafka the push topic and how it is consumed
 * @param registry where the Comets are registered (the same registry the Comets write)
 * @param delivery how Comets are called: timeouts, retries, waiting for new Comets
 * @param batch how room messages are merged into op-9 batches
 */
public record JobConfig(
    Server server,
    KafkaConfig kafka,
    RegistryConfig registry,
    DeliveryConfig delivery,
    BatchConfig batch) {

  /** Job's HTTP port (health, readiness, Prometheus), next to goim's 31x9 gRPC ports. */
  public static final int DEFAULT_PORT = 3129;

  public static JobConfig defaults() {
    return new JobConfig(
        new Server("0.0.0.0", DEFAULT_PORT),
        KafkaConfig.defaults(),
        RegistryConfig.redisDefaults(),
        DeliveryConfig.defaults(),
        BatchConfig.defaults());
  }

  public JobConfig {
    Check.notNull("server", server);
    Check.notNull("kafka", kafka);
    Check.notNull("registry", registry);
    Check.notNull("delivery", delivery);
    Check.notNull("batch", batch);
  }

  /**
   * Where Job serves {@code /health} (200 once the registry has loaded and the consumer runs, 503
   * otherwise) and {@code /metrics} (Prometheus text).
   *
   * @param host the address to bind
   * @param port the HTTP port (default {@value JobConfig#DEFAULT_PORT})
   */
  public record Server(String host, int port) {
    public Server {
      Check.notBlank("host", host);
      Check.port("port", port);
    }
  }
}
