package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.chat.FanoutMode;
import org.junit.jupiter.api.Test;

class FanoutRuleTest {
  private final FanoutRule rule = new FanoutRule(500);

  @Test
  void groupsUpToTheThresholdAreWriteFanOutLargerOnesReadFanOut() {
    assertThat(rule.mode(2)).isEqualTo(FanoutMode.WRITE);
    assertThat(rule.mode(500)).isEqualTo(FanoutMode.WRITE);
    assertThat(rule.mode(501)).isEqualTo(FanoutMode.READ);
  }

  @Test
  void aGroupBecomesReadFanOutOnlyWhenItCrossesTheThreshold() {
    assertThat(rule.becomesRead(500, 501)).isTrue();
    assertThat(rule.becomesRead(10, 10_000)).isTrue();
    assertThat(rule.becomesRead(499, 500)).isFalse();
    assertThat(rule.becomesRead(501, 600)).isFalse();
    assertThat(rule.becomesRead(600, 400)).isFalse();
  }
}
