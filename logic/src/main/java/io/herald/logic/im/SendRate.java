package io.herald.logic.im;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends per user per second, in this Logic process: a token bucket per user refilled at {@code
 * perSecond} holding at most {@code burst} tokens (full at first), kept as one timestamp — the
 * generic cell rate algorithm's theoretical arrival time, when the user's next token is due (as the
 * Comet's upstream limit keeps it per connection). A token is due every {@code 1 s / perSecond}; a
 * full bucket lets a send through up to {@code burst - 1} intervals ahead of that schedule.
 *
 * <p>Users are kept in a bounded Caffeine cache; an entry idle for longer than a bucket takes to
 * fill is dropped (a full bucket is as good as none), and when more users than {@code maxUsers}
 * send within that time the least recent ones are dropped: they start again with a full bucket.
 * Thread-safe (a compare-and-set per send). Several Logic replicas each allow the rate: the limit
 * is per process, as the config says.
 */
final class SendRate {
  private final int perSecond;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final Ticker ticker;
  private final Cache<Long, AtomicLong> due;

  /**
   * @param perSecond tokens per second, at least 1
   * @param burst the tokens a full bucket holds, at least 1
   * @param maxUsers the most users tracked at once
   * @param ticker nanosecond time
   */
  SendRate(int perSecond, int burst, long maxUsers, Ticker ticker) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", burst: " + burst + " (expected: both >= 1)");
    }
    this.perSecond = perSecond;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = (burst - 1) * intervalNanos;
    this.ticker = ticker;
    this.due =
        Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofNanos(burst * intervalNanos).plusSeconds(1))
            .maximumSize(maxUsers)
            .ticker(ticker)
            .build();
  }

  /**
   * Takes one of {@code mid}'s tokens if there is one: 0, else how long until there is one
   * (nanoseconds, at least 1) and nothing is taken.
   */
  long tryTake(long mid) {
    long now = ticker.read();
    AtomicLong slot = due.get(mid, k -> new AtomicLong(now));
    while (true) {
      long dueAt = slot.get();
      long ahead = dueAt - now;
      if (ahead > toleranceNanos) {
        return ahead - toleranceNanos;
      }
      // A bucket due in the past is full: its schedule restarts from now.
      long next = (ahead < 0 ? now : dueAt) + intervalNanos;
      if (slot.compareAndSet(dueAt, next)) {
        return 0;
      }
    }
  }

  int perSecond() {
    return perSecond;
  }
}
