package io.herald.logic.overload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One caller's rate limit in this Logic process (a push API token's, a chat user's sends): a token
 * bucket refilled at {@code perSecond}, holding at most {@code burst} (full at first), kept as one
 * timestamp — the generic cell rate algorithm's theoretical arrival time, when the next token is
 * due. A token is due every {@code 1 s / perSecond}; a full bucket lets a call through up to {@code
 * burst - 1} intervals ahead of that schedule. Thread-safe: a compare-and-set per call. Separate
 * from the bounds on work in flight ({@link InFlightLimit}): this one says how fast one caller may
 * go, whatever the load.
 */
public final class TokenRate {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier ticker;
  private final AtomicLong due;

  /**
   * @param perSecond tokens per second, at least 1
   * @param burst the tokens a full bucket holds, at least 1
   * @param nanoTicker nanosecond time
   */
  public TokenRate(int perSecond, int burst, LongSupplier nanoTicker) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", burst: " + burst + " (expected: both >= 1)");
    }
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = (burst - 1) * intervalNanos;
    this.ticker = nanoTicker;
    this.due = new AtomicLong(nanoTicker.getAsLong());
  }

  /**
   * Takes one token if there is one: 0, else how long until there is one (nanoseconds, at least 1)
   * and nothing is taken.
   */
  public long tryTake() {
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
