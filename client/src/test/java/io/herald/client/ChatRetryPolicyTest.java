package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ChatRetryPolicyTest {
  private final ChatRetryPolicy policy =
      new ChatRetryPolicy(4, Duration.ofMillis(100), 2.0, Duration.ofMillis(300));

  @Test
  void waitsGrowToTheCapWithUpToHalfTakenAway() {
    assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delay(3, 0.0)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.delay(30, 0.0)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.delay(1, 0.999)).isBetween(Duration.ofMillis(50), Duration.ofMillis(51));
  }

  @Test
  void retriesUntilTheLastAttempt() {
    assertThat(policy.retriesAfter(1)).isTrue();
    assertThat(policy.retriesAfter(3)).isTrue();
    assertThat(policy.retriesAfter(4)).isFalse();
    assertThat(
            new ChatRetryPolicy(1, Duration.ofMillis(1), 1, Duration.ofMillis(1)).retriesAfter(1))
        .isFalse();
  }

  @Test
  void noAnswerIsRetryableAClosedClientIsNot() {
    assertThat(ChatRetryPolicy.retryable(new TimeoutException("no reply"))).isTrue();
    assertThat(ChatRetryPolicy.retryable(new HeraldClientException.NotConnected("x"))).isTrue();
    assertThat(
            ChatRetryPolicy.retryable(
                new CompletionException(new HeraldClientException.ConnectionLost("x"))))
        .isTrue();
    assertThat(ChatRetryPolicy.retryable(new HeraldClientException("client closed"))).isFalse();
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new ChatRetryPolicy(0, Duration.ofMillis(1), 2, Duration.ofMillis(1)))
        .hasMessage("maxAttempts: 0 (expected: 1-100)");
    assertThatThrownBy(() -> new ChatRetryPolicy(3, Duration.ofMillis(10), 2, Duration.ofMillis(1)))
        .hasMessageStartingWith("maxDelay: PT0.001S");
    assertThatThrownBy(
            () -> new ChatRetryPolicy(3, Duration.ofMillis(10), 0.5, Duration.ofSeconds(1)))
        .hasMessage("factor: 0.5 (expected: 1-10)");
  }
}
