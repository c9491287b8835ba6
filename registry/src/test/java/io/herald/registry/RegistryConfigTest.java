package io.herald.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.redis.RedisEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {
  private static final RedisEndpoint REDIS = RedisEndpoint.local("herald:registry");
  private static final Duration S30 = Duration.ofSeconds(30);
  private static final Duration S10 = Duration.ofSeconds(10);
  private static final Duration S2 = Duration.ofSeconds(2);

  private final ConfigLoader<RegistryConfig> loader =
      new ConfigLoader<>(RegistryConfig.class, RegistryConfig.defaults(), "registry");

  @TempDir Path dir;

  @Test
  void defaultsAreInProcessWithTheDocumentedTimings() {
    RegistryConfig config = RegistryConfig.defaults();

    assertThat(config.backend()).isEqualTo("memory");
    assertThat(config.ttl()).isEqualTo(S30);
    assertThat(config.renewInterval()).isEqualTo(S10);
    assertThat(config.pollInterval()).isEqualTo(S2);
    assertThat(config.staticNodes()).isEmpty();
    assertThat(config.redis())
        .isEqualTo(new RedisEndpoint("redis://127.0.0.1:6379", "herald:registry", S2));
  }

  @Test
  void refusesARenewIntervalNotShorterThanTheTtl() {
    assertThatThrownBy(() -> new RegistryConfig("redis", REDIS, S30, S30, S2, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("renewInterval: 30s (expected: < ttl 30s)");
    assertThatThrownBy(
            () -> new RegistryConfig("redis", REDIS, S10, Duration.ofMinutes(1), S2, List.of()))
        .hasMessage("renewInterval: 1m (expected: < ttl 10s)");
  }

  @Test
  void refusesNonPositiveDurationsAndUnknownBackends() {
    assertThatThrownBy(() -> new RegistryConfig("memory", REDIS, Duration.ZERO, S10, S2, null))
        .hasMessage("ttl: 0ms (expected: > 0)");
    assertThatThrownBy(
            () -> new RegistryConfig("memory", REDIS, S30, S10, Duration.ofSeconds(-1), null))
        .hasMessage("pollInterval: -1s (expected: > 0)");
    assertThatThrownBy(() -> new RegistryConfig("etcd", REDIS, S30, S10, S2, null))
        .hasMessage("backend: etcd (expected: redis or memory)");
    assertThatThrownBy(() -> new RegistryConfig("memory", null, S30, S10, S2, null))
        .hasMessage("redis: missing (expected: a value)");
  }

  @Test
  void refusesRedisSettingsThatCannotWork() {
    assertThatThrownBy(() -> new RedisEndpoint("localhost:6379", "herald", S2))
        .hasMessageStartingWith("uri: localhost:6379 (expected: redis://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "{herald}", S2))
        .hasMessage("keyPrefix: {herald} (expected: no braces)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", " ", S2))
        .hasMessage("keyPrefix: empty (expected: a value)");
  }

  @Test
  void refusesBadOrDuplicateStaticNodes() {
    assertThatThrownBy(() -> staticNode("comet-1", 91.0, "10.0.0.1:3109", 100))
        .hasMessage("latitude: 91.0 (expected: -90.0 to 90.0)");
    assertThatThrownBy(() -> staticNode("comet-1", 0, null, 100))
        .hasMessage("grpc: empty (expected: a value)");
    assertThatThrownBy(() -> staticNode("comet-1", 0, "10.0.0.1:3109", 0))
        .hasMessage("capacity: 0 (expected: > 0)");

    RegistryConfig.StaticNode node = staticNode("comet-1", 0, "10.0.0.1:3109", 100);
    assertThatThrownBy(() -> new RegistryConfig("memory", REDIS, S30, S10, S2, List.of(node, node)))
        .hasMessage("staticNodes[1].serverId: comet-1 (expected: unique)");
    assertThatThrownBy(() -> new RegistryConfig("redis", REDIS, S30, S10, S2, List.of(node)))
        .hasMessage("staticNodes: 1 nodes (expected: none with backend redis)");
  }

  @Test
  void staticNodeBecomesAnUpRecordWithDefaultWeight() {
    CometNode node = staticNode("comet-1", 31.2, "10.0.0.1:3109", 100).toCometNode();

    assertThat(node.getServerId()).isEqualTo("comet-1");
    assertThat(node.getWeight()).isEqualTo(10);
    assertThat(node.getRegion()).isEmpty();
    assertThat(node.getLatitude()).isEqualTo(31.2);
    assertThat(node.getGrpcAddress()).isEqualTo("10.0.0.1:3109");
    assertThat(node.getCapacity()).isEqualTo(100);
    assertThat(node.getState()).isEqualTo(NodeState.NODE_STATE_UP);
  }

  @Test
  void loadsFromYamlAndEnvironment() throws IOException {
    Path file =
        write(
            """
            ttl: 20s
            renewInterval: 5s
            staticNodes:
              - serverId: comet-sh-01
                region: cn-east
                latitude: 31.23
                longitude: 121.47
                weight: 20
                tcp: 10.0.0.1:3101
                ws: 10.0.0.1:3102
                grpc: 10.0.0.1:3109
                capacity: 100000
            """);

    RegistryConfig config =
        loader.load(file, Map.of("REGISTRY_REDIS_KEY_PREFIX", "prod:registry")).config();

    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.renewInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.redis().keyPrefix()).isEqualTo("prod:registry");
    assertThat(config.staticNodes())
        .containsExactly(
            new RegistryConfig.StaticNode(
                "comet-sh-01",
                "cn-east",
                31.23,
                121.47,
                20,
                "10.0.0.1:3101",
                "10.0.0.1:3102",
                "",
                "10.0.0.1:3109",
                100_000L));
  }

  @Test
  void loaderNamesTheKeyThatIsWrong() throws IOException {
    Path file = write("renewInterval: 1m\n");
    assertThatThrownBy(() -> loader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": renewInterval: 1m (expected: < ttl 30s)");

    Path nodes = write("staticNodes:\n  - serverId: c1\n    latitude: 100\n");
    assertThatThrownBy(() -> loader.load(nodes, Map.of()))
        .hasMessage(nodes + ": staticNodes[0].latitude: 100.0 (expected: -90.0 to 90.0)");
    Path noCapacity = write("staticNodes:\n  - serverId: c1\n    grpc: h:3109\n");
    assertThatThrownBy(() -> loader.load(noCapacity, Map.of()))
        .hasMessage(noCapacity + ": staticNodes[0].capacity: missing (expected: a value)");
  }

  private static RegistryConfig.StaticNode staticNode(
      String id, double latitude, String grpc, long capacity) {
    return new RegistryConfig.StaticNode(
        id, null, latitude, null, null, "10.0.0.1:3101", null, null, grpc, capacity);
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "registry", ".yaml");
    return Files.writeString(file, yaml);
  }
}
