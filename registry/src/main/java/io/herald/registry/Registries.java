package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

  /**
   * {@code registry} for a server that uses it but does not own it: its {@code start()} and {@code
   * stop()} do nothing, so several servers of one process (e.g. {@code herald standalone}) share a
   * registry whose life their host controls.
   */
  public static Registry unowned(Registry registry) {
    return new Registry() {
      @Override
      public void start() {}

      @Override
      public void stop() {}

      @Override
      public CompletableFuture<Void> ready() {
        return registry.ready();
      }

      @Override
      public CompletableFuture<Void> register(CometNode node) {
        return registry.register(node);
      }

      @Override
      public CompletableFuture<Void> deregister(String serverId) {
        return registry.deregister(serverId);
      }

      @Override
      public List<CometNode> nodes() {
        return registry.nodes();
      }

      @Override
      public Optional<CometNode> node(String serverId) {
        return registry.node(serverId);
      }

      @Override
      public void addListener(RegistryListener listener) {
        registry.addListener(listener);
      }

      @Override
      public void removeListener(RegistryListener listener) {
        registry.removeListener(listener);
      }

      @Override
      public String toString() {
        return "unowned " + registry;
      }
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
