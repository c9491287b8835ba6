package io.herald.logic.overload;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OverloadConfigTest {
  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new OverloadConfig(0, 1, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("pushesInFlight: 0");
    assertThatThrownBy(() -> new OverloadConfig(1, 0, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("pushBytesInFlight: 0");
    assertThatThrownBy(() -> new OverloadConfig(1, 1, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("connectsInFlight: 0");
    assertThatThrownBy(() -> new OverloadConfig(1, 1, 1, Duration.ZERO))
        .hasMessageContaining("retryAfter");
  }
}
