package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
  private static final ReconnectPolicy NO_JITTER =
      new ReconnectPolicy(
          Duration.ofSeconds(1), 2.0, 0.0, Duration.ofSeconds(10), 5, Duration.ofSeconds(30));

  @Test
  void noWaitBeforeTheFirstFailure() {
    assertThat(ReconnectPolicy.DEFAULT.delay(0, 0.5)).isZero();
  }

  @Test
  void waitsGrowExponentiallyUpToTheMaximum() {
    assertThat(NO_JITTER.delay(1, 0.9)).isEqualTo(Duration.ofSeconds(1));
    assertThat(NO_JITTER.delay(2, 0.9)).isEqualTo(Duration.ofSeconds(2));
    assertThat(NO_JITTER.delay(3, 0.9)).isEqualTo(Duration.ofSeconds(4));
    assertThat(NO_JITTER.delay(4, 0.9)).isEqualTo(Duration.ofSeconds(8));
    assertThat(NO_JITTER.delay(5, 0.9)).isEqualTo(Duration.ofSeconds(10));
    assertThat(NO_JITTER.delay(1000, 0.9)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void fullJitterSpreadsTheWaitOverZeroToTheDelay() {
    ReconnectPolicy full = ReconnectPolicy.DEFAULT; // jitter 1.0, base 1 s, factor 2
    assertThat(full.delay(3, 0.0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(full.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(full.delay(3, 0.999_999_999)).isLessThan(Duration.ofMillis(1));
  }

  @Test
  void partialJitterKeepsTheRestOfTheDelay() {
    ReconnectPolicy policy =
        new ReconnectPolicy(
            Duration.ofSeconds(3), 1.6, 0.2, Duration.ofMinutes(2), 5, Duration.ofSeconds(30));
    assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delay(1, 0.5)).isEqualTo(Duration.ofMillis(2700));
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(
            () ->
                new ReconnectPolicy(
                    Duration.ofSeconds(1),
                    2.0,
                    1.5,
                    Duration.ofSeconds(10),
                    5,
                    Duration.ofSeconds(1)))
        .hasMessage("jitter: 1.5 (expected: 0-1)");
    assertThatThrownBy(
            () ->
                new ReconnectPolicy(
                    Duration.ofSeconds(1),
                    2.0,
                    1.0,
                    Duration.ofSeconds(10),
                    0,
                    Duration.ofSeconds(1)))
        .hasMessage("attemptsPerRound: 0 (expected: 1-100)");
  }
}
