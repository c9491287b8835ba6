package io.herald.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
  private final RedisKeys keys = new RedisKeys("herald:registry");

  @Test
  void everyKeyCarriesTheSameHashTag() {
    assertThat(keys.index()).isEqualTo("{herald:registry}:nodes");
    assertThat(keys.node("comet-sh-01")).isEqualTo("{herald:registry}:node:comet-sh-01");
    assertThat(keys.pruneKeys(List.of("a", "b")))
        .containsExactly(
            "{herald:registry}:node:a", "{herald:registry}:node:b", "{herald:registry}:nodes");
  }

  @Test
  void serverIdsRoundTripAsIndexMembers() {
    assertThat(RedisKeys.serverId(RedisKeys.member("cômet-1"))).isEqualTo("cômet-1");
  }
}
