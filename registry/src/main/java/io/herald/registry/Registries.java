package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Builds the registry and the renewal a config asks for. */
public final class Registries {
  private Registries() {}

  /** A {@link RedisRegistry} or an {@link InMemoryRegistry}, not started. */
  public static Registry create(RegistryConfig config, Clock clock, MeterRegistry meters) {
    return switch (config.backend()) {
      case RegistryConfig.REDIS ->
          new RedisRegistry(config.redis(), config.ttl(), config.pollInterval(), clock, meters);
      case RegistryConfig.MEMORY -> {
        List<CometNode> staticNodes =
            config.staticNodes().stream().map(RegistryConfig.StaticNode::toCometNode).toList();
        yield new InMemoryRegistry(clock, config.ttl(), config.pollInterval(), staticNodes, meters);
      }
      default -> throw new IllegalArgumentException("backend: " + config.backend());
    };
  }

  /** Renews {@code current} in {@code writer} every {@code config.renewInterval()}, not started. */
  public static NodeRenewal renewal(
      RegistryWriter writer,
      Supplier<CometNode> current,
      RegistryConfig config,
      MeterRegistry meters) {
    return new NodeRenewal(writer, current, config.renewInterval(), meters);
  }
}
