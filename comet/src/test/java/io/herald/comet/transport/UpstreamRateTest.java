package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The upstream rate as one due time per connection; time is passed in, never read. */
class UpstreamRateTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Takes tokens at {@code now} until one is refused; returns how many were given. */
  private static int drain(UpstreamRate rate, long[] dueAt, long now) {
    int taken = 0;
    while (rate.allows(dueAt[0], now)) {
      dueAt[0] = rate.taken(dueAt[0], now);
      taken++;
    }
    return taken;
  }

  @Test
  void aNewBucketHoldsTheBurst() {
    UpstreamRate rate = new UpstreamRate(10, 5);
    long now = 1_000 * MS;

    assertThat(drain(rate, new long[] {now}, now)).isEqualTo(5);
  }

  @Test
  void tokensComeBackAtTheRate() {
    UpstreamRate rate = new UpstreamRate(10, 5); // one token every 100 ms
    long[] dueAt = {0};
    drain(rate, dueAt, 0);

    assertThat(drain(rate, dueAt, 99 * MS)).isZero();
    assertThat(drain(rate, dueAt, 100 * MS)).isEqualTo(1);
    assertThat(drain(rate, dueAt, 350 * MS)).isEqualTo(2);
  }

  @Test
  void aLongSilenceRefillsNoMoreThanTheBurst() {
    UpstreamRate rate = new UpstreamRate(10, 5);
    long[] dueAt = {0};
    drain(rate, dueAt, 0);

    assertThat(drain(rate, dueAt, TimeUnit.HOURS.toNanos(1))).isEqualTo(5);
  }

  @Test
  void aSteadySenderAtTheRateIsNeverRefused() {
    UpstreamRate rate = new UpstreamRate(10, 1);
    long dueAt = 0;
    for (long now = 0; now < TimeUnit.SECONDS.toNanos(10); now += 100 * MS) {
      assertThat(rate.allows(dueAt, now)).isTrue();
      dueAt = rate.taken(dueAt, now);
    }
  }

  @Test
  void timesMayWrapAround() {
    UpstreamRate rate = new UpstreamRate(10, 2);
    long start = Long.MAX_VALUE - 50 * MS;
    long[] dueAt = {start};
    assertThat(drain(rate, dueAt, start)).isEqualTo(2);

    assertThat(drain(rate, dueAt, start + 100 * MS)).as("past Long.MAX_VALUE").isEqualTo(1);
  }

  @Test
  void refusesARateOrBurstBelowOne() {
    assertThatThrownBy(() -> new UpstreamRate(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UpstreamRate(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
