package io.herald.registry;

import static io.herald.registry.Nodes.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.redis.RedisEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistriesTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void memoryBackendServesTheStaticNodes() {
    RegistryConfig.StaticNode node =
        new RegistryConfig.StaticNode(
            "comet-1", "cn-east", 31.2, 121.5, 10, "h:3101", "", "", "h:3109", 1000L);
    RegistryConfig config =
        new RegistryConfig(
            RegistryConfig.MEMORY,
            RedisEndpoint.local("herald:registry"),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            List.of(node));

    Registry registry = Registries.create(config, Clock.systemUTC(), meters);
    assertThat(registry).isInstanceOf(InMemoryRegistry.class);
    assertThat(registry.nodes()).isEmpty();
    registry.start();
    try {
      assertThat(registry.nodes()).containsExactly(node.toCometNode());
    } finally {
      registry.stop();
    }
  }

  @Test
  void redisBackendDoesNothingUntilStarted() {
    RegistryConfig config =
        new RegistryConfig(
            RegistryConfig.REDIS,
            new RedisEndpoint("redis://127.0.0.1:1", "herald:registry", Duration.ofSeconds(1)),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            List.of());

    Registry registry = Registries.create(config, Clock.systemUTC(), meters);

    assertThat(registry).isInstanceOf(RedisRegistry.class);
    assertThat(registry.nodes()).isEmpty();
    assertThat(registry.ready()).isNotDone();
    assertThat(registry.register(Nodes.up("comet-a"))).isCompletedExceptionally();
    registry.stop();
  }

  @Test
  void renewalFollowsTheConfiguredInterval() {
    Registry registry = Registries.create(RegistryConfig.defaults(), Clock.systemUTC(), meters);
    registry.start();
    NodeRenewal renewal =
        Registries.renewal(registry, () -> Nodes.up("comet-a"), RegistryConfig.defaults(), meters);

    renewal.start();
    assertThat(ids(registry.nodes())).containsExactly("comet-a");
    renewal.stop().join();
    assertThat(registry.nodes()).isEmpty();
    registry.stop();
  }

  @Test
  void anUnownedRegistrySharesRecordsButNotTheLifecycle() {
    Registry owner =
        new InMemoryRegistry(
            Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofHours(1), List.of(), meters);
    owner.start();
    try {
      Registry shared = Registries.unowned(owner);
      shared.start();
      shared.register(Nodes.up("comet-a")).join();
      assertThat(ids(owner.nodes())).containsExactly("comet-a");

      shared.stop();

      assertThat(ids(shared.nodes())).as("the owner still runs").containsExactly("comet-a");
      assertThat(shared.ready()).isCompleted();
      shared.deregister("comet-a").join();
      assertThat(owner.nodes()).isEmpty();
    } finally {
      owner.stop();
    }
  }
}
