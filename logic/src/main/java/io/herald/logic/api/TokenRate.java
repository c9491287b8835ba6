package io.herald.logic.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One push API token's rate limit, in this Logic process: a token bucket refilled at {@code
 * perSecond}, holding at most {@code burst} (full at first), kept as one timestamp — the generic
 * cell rate algorithm's theoretical arrival time (as the IM API's per-user {@code SendRate}).
 * Thread-safe: a compare-and-set per push. Separate from any global bound on pushes in flight: this
 * one says how fast one caller may go, whatever the load.
 */
final class TokenRate {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier ticker;
  private final AtomicLong due;

  TokenRate(int perSecond, int burst, LongSupplier nanoTicker) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", burst: " + burst + " (expected: both >= 1)");
    }
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = (burst - 1) * intervalNanos;
    this.ticker = nanoTicker;
    this.due = new AtomicLong(nanoTicker.getAsLong());
  }

  /** Takes one push if there is room: 0, else how long until there is (nanoseconds, >= 1). */
  long tryTake() {
    long now = ticker.getAsLong();
    while (true) {
      long dueAt = due.get();
      long ahead = dueAt - now;
      if (ahead > toleranceNanos) {
        return ahead - toleranceNanos;
      }
      // A bucket due in the past is full: its schedule restarts from now.
      long next = (ahead < 0 ? now : dueAt) + intervalNanos;
      if (due.compareAndSet(dueAt, next)) {
        return 0;
      }
    }
  }
}
