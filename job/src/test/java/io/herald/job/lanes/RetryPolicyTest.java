package io.herald.job.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.herald.job.config.DeliveryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(
          new DeliveryConfig(
              Duration.ofSeconds(5),
              Duration.ofMillis(100),
              Duration.ofSeconds(1),
              Duration.ofSeconds(30),
              Duration.ofSeconds(5),
              1000,
              100));

  @Test
  void theBackoffDoublesUpToItsCeiling() {
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(500)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void refusalsAreFinalAndEverythingElseIsRetried() {
    assertThat(RetryPolicy.isTransient(Status.INVALID_ARGUMENT)).isFalse();
    assertThat(RetryPolicy.isTransient(Status.UNIMPLEMENTED)).isFalse();
    assertThat(RetryPolicy.isTransient(Status.UNAVAILABLE)).isTrue();
    assertThat(RetryPolicy.isTransient(Status.DEADLINE_EXCEEDED)).isTrue();
    assertThat(RetryPolicy.isTransient(Status.INTERNAL)).isTrue();
  }

  @Test
  void aCallIsGivenUpAfterFailingForTheConfiguredTime() {
    assertThat(policy.givesUp(1_000, 30_999)).isFalse();
    assertThat(policy.givesUp(1_000, 31_000)).isTrue();
  }
}
