package io.herald.balancer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.balancer.locate.CidrTable;
import io.herald.balancer.locate.ClientLocator;
import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalancerConfigTest {
  private static final ConfigLoader<BalancerConfig> LOADER =
      new ConfigLoader<>(BalancerConfig.class, BalancerConfig.defaults(), "BALANCER");

  @Test
  void theDeployExampleLoadsAndItsTablesAgree() {
    BalancerConfig config =
        LOADER.load(Path.of("..", "deploy", "balancer.yaml"), Map.of()).config();

    assertThat(config.server().port()).isEqualTo(3131);
    assertThat(config.selection().regions()).hasSize(9);
    assertThat(config.selection().cidrs()).containsEntry("2001:db8:100::/40", "jp");
    assertThat(config.selection().heartbeat().interval()).isEqualTo(Duration.ofMinutes(4));
    assertThat(config.registry().renewInterval()).isEqualTo(Duration.ofSeconds(10));
    // The CIDR table and default region name configured regions: the locator accepts them.
    new ClientLocator(
        config.selection().rankingRegions(),
        CidrTable.of(config.selection().cidrs()),
        Optional.empty(),
        Optional.of(config.selection().defaultRegion()));
  }

  @Test
  void environmentOverridesTheExample() {
    BalancerConfig config =
        LOADER
            .load(
                Path.of("..", "deploy", "balancer.yaml"),
                Map.of(
                    "BALANCER_SERVER_PORT", "4131",
                    "BALANCER_REGISTRY_REDIS_URI", "redis://redis.internal:6379"))
            .config();
    assertThat(config.server().port()).isEqualTo(4131);
    assertThat(config.registry().redis().uri()).isEqualTo("redis://redis.internal:6379");
  }

  @Test
  void theProxyProtocolIsOffUnlessSwitchedOn() {
    Path example = Path.of("..", "deploy", "balancer.yaml");
    assertThat(LOADER.load(example, Map.of()).config().server().proxyProtocol()).isFalse();
    assertThat(
            LOADER
                .load(example, Map.of("BALANCER_SERVER_PROXYPROTOCOL", "true"))
                .config()
                .server()
                .proxyProtocol())
        .isTrue();
  }

  @Test
  void startedAloneItReadsTheRedisRegistry() {
    assertThat(LOADER.load(null, Map.of()).config().registry().backend()).isEqualTo("redis");
  }

  @Test
  void badValuesAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("balancer.yaml");
    Files.writeString(file, "selection:\n  limits:\n    defaultNodes: 30\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": selection.limits.defaultNodes: 30 (expected: 1-20)");
    Files.writeString(file, "selection:\n  backoff:\n    jitter: 2\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .hasMessage(file + ": selection.backoff.jitter: 2.0 (expected: 0.0 to 1.0)");
  }

  /**
   * What the Balancer (and Logic's node API) refused only as it built its selector, with a stack
   * trace, is a config error naming the key.
   */
  @Test
  void regionsCidrsAndTheDefaultRegionAreCheckedTogether(@TempDir Path dir) throws Exception {
    Path example = Path.of("..", "deploy", "balancer.yaml");
    assertThatThrownBy(
            () -> LOADER.load(example, Map.of("BALANCER_SELECTION_DEFAULTREGION", "mars")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            example + ": selection.defaultRegion: mars (expected: a configured region, one of [");
    Path file = dir.resolve("balancer.yaml");
    Files.writeString(file, "selection:\n  cidrs:\n    \"10.0.0.0/99\": cn-east\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .hasMessageStartingWith(file + ": selection.cidrs: 10.0.0.0/99");
    Files.writeString(file, "selection:\n  cidrs:\n    \"10.0.0.0/8\": mars\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .hasMessageStartingWith(file + ": selection.cidrs: 10.0.0.0/8 -> mars (expected: a");
    Files.writeString(
        file,
        "selection:\n  regions:\n    - {name: a, latitude: 1, longitude: 1}\n"
            + "    - {name: a, latitude: 2, longitude: 2}\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .hasMessageStartingWith(file + ": selection.regions: duplicate name 'a'");
    Files.writeString(
        file, "selection:\n  regions:\n    - {name: a, latitude: 91, longitude: 1}\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .hasMessage(file + ": selection.regions[0].latitude: 91.0 (expected: -90.0 to 90.0)");
  }
}
