package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  void aLocalEndpointHasTheDefaults() {
    assertThat(RedisEndpoint.local("herald"))
        .isEqualTo(new RedisEndpoint("redis://127.0.0.1:6379", "herald", Duration.ofSeconds(2)));
  }

  @Test
  void refusesWhatCannotBeUsed() {
    Duration s2 = Duration.ofSeconds(2);
    assertThatThrownBy(() -> new RedisEndpoint("localhost:6379", "herald", s2))
        .hasMessageStartingWith("uri: localhost:6379 (expected: redis://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "{herald}", s2))
        .hasMessage("keyPrefix: {herald} (expected: no braces)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", " ", s2))
        .hasMessage("keyPrefix: empty (expected: a value)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "h", Duration.ZERO))
        .hasMessage("timeout: 0ms (expected: > 0)");
  }

  @Test
  void aLinkRefusesCommandsOutsideItsLife() {
    RedisLink<String, String> link =
        new RedisLink<>(RedisEndpoint.local("herald"), StringCodec.UTF8);
    assertThat(link.commands())
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .withMessageContaining("redis not started");
    link.stop();
    assertThat(link.commands()).isCompletedExceptionally();
  }
}
