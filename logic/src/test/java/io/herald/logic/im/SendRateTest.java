package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendRateTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SendRate rate = new SendRate(10, 3, 100, now::get);

  @Test
  void aFullBucketLetsTheBurstThroughThenOnePerInterval() {
    assertThat(rate.tryTake(1)).isZero();
    assertThat(rate.tryTake(1)).isZero();
    assertThat(rate.tryTake(1)).isZero();

    long wait = rate.tryTake(1);
    assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));

    advance(99);
    assertThat(rate.tryTake(1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
    advance(1);
    assertThat(rate.tryTake(1)).isZero();
    assertThat(rate.tryTake(1)).isPositive();
  }

  @Test
  void usersHaveBucketsOfTheirOwn() {
    for (int i = 0; i < 3; i++) {
      assertThat(rate.tryTake(1)).isZero();
    }
    assertThat(rate.tryTake(1)).isPositive();

    assertThat(rate.tryTake(2)).isZero();
  }

  @Test
  void anIdleBucketFillsUpToTheBurstOnly() {
    for (int i = 0; i < 3; i++) {
      rate.tryTake(1);
    }
    advance(10_000);

    for (int i = 0; i < 3; i++) {
      assertThat(rate.tryTake(1)).isZero();
    }
    assertThat(rate.tryTake(1)).isPositive();
  }

  @Test
  void aRefusedSendTakesNothing() {
    for (int i = 0; i < 3; i++) {
      rate.tryTake(1);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(rate.tryTake(1)).isPositive();
    }
    advance(100);

    assertThat(rate.tryTake(1)).isZero();
  }

  private void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
