package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveHeartbeatTest {
  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void successesProbeOneStepLongerUpToTheMaximum() {
    AdaptiveHeartbeat heartbeat = new AdaptiveHeartbeat(HeartbeatPolicy.DEFAULT);
    assertThat(heartbeat.current()).isEqualTo(s(60));
    heartbeat.succeeded();
    assertThat(heartbeat.current()).isEqualTo(s(90));
    for (int i = 0; i < 20; i++) {
      heartbeat.succeeded();
    }
    assertThat(heartbeat.current()).isEqualTo(s(300));
    assertThat(heartbeat.settled()).isFalse();
  }

  @Test
  void aFailureBacksOffOneStepAndStaysThere() {
    AdaptiveHeartbeat heartbeat = new AdaptiveHeartbeat(HeartbeatPolicy.DEFAULT);
    heartbeat.succeeded(); // 90
    heartbeat.succeeded(); // 120
    heartbeat.succeeded(); // 150: too long for this network
    heartbeat.failed();
    assertThat(heartbeat.current()).isEqualTo(s(120));
    assertThat(heartbeat.settled()).isTrue();
    heartbeat.succeeded();
    heartbeat.succeeded();
    assertThat(heartbeat.current()).as("settled: successes no longer probe").isEqualTo(s(120));
    heartbeat.failed();
    assertThat(heartbeat.current()).isEqualTo(s(90));
  }

  @Test
  void neverBelowTheMinimum() {
    AdaptiveHeartbeat heartbeat = new AdaptiveHeartbeat(HeartbeatPolicy.DEFAULT);
    heartbeat.failed();
    heartbeat.failed();
    assertThat(heartbeat.current()).isEqualTo(s(60));
  }

  @Test
  void boundsAndStepAreConfigurable() {
    AdaptiveHeartbeat heartbeat =
        new AdaptiveHeartbeat(
            new HeartbeatPolicy(s(20), s(10), s(40), s(10), Duration.ofSeconds(1)));
    heartbeat.succeeded();
    heartbeat.succeeded();
    heartbeat.succeeded();
    assertThat(heartbeat.current()).isEqualTo(s(40));
    heartbeat.failed();
    assertThat(heartbeat.current()).isEqualTo(s(30));
  }

  @Test
  void invalidPoliciesAreRefusedWithTheSettingNamed() {
    assertThatThrownBy(() -> new HeartbeatPolicy(s(60), s(60), s(30), s(30), s(10)))
        .hasMessageStartingWith("max: PT30S");
    assertThatThrownBy(() -> new HeartbeatPolicy(s(10), s(60), s(300), s(30), s(10)))
        .hasMessageStartingWith("initial: PT10S");
    assertThatThrownBy(() -> new HeartbeatPolicy(s(60), s(60), s(300), Duration.ZERO, s(10)))
        .hasMessageStartingWith("step: PT0S");
  }
}
