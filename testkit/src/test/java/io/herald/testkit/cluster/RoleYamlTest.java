package io.herald.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleYamlTest {
  @Test
  void sectionsKeepTheirOrderAndASetReplacesAWholeSection() {
    RoleYaml yaml =
        new RoleYaml()
            .set("server", "{port: 1}")
            .block("store", "backend: redis", "redis: {uri: 'redis://x'}")
            .set("server", "{port: 2}");

    assertThat(yaml.text())
        .isEqualTo("server: {port: 2}\nstore:\n  backend: redis\n  redis: {uri: 'redis://x'}\n");
  }

  @Test
  void putReplacesOrAddsOneKeyOfABlockAndRemoveDropsASection() {
    RoleYaml yaml =
        new RoleYaml().block("store", "backend: redis", "onlineTtl: 3s").set("drain", "2s");

    yaml.put("store", "onlineTtl", "30s").put("store", "sessionTtl", "4s").remove("drain");

    assertThat(yaml.text())
        .isEqualTo("store:\n  backend: redis\n  onlineTtl: 30s\n  sessionTtl: 4s\n");
    assertThatThrownBy(() -> yaml.set("server", "{port: 1}").put("server", "port", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server: not a block section");
  }

  @Test
  void theRegistryIsInMemoryWithoutRedisAndUnderThePrefixWithIt() {
    assertThat(RoleConfigs.registry(Backends.inMemory())).isEqualTo("{backend: memory}");
    assertThat(RoleConfigs.registry(Backends.of("redis://127.0.0.1:1", "k:1", "t", "g")))
        .contains("backend: redis", "keyPrefix: 'herald:registry'", "ttl: 3s");
  }
}
