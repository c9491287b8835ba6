package io.herald.comet.transport;

import java.util.concurrent.TimeUnit;

/**
 * The upstream rate limit of client connections: a token bucket refilled at {@code perSecond}
 * holding at most {@code burst} tokens (full at first), kept by each connection as one timestamp,
 * the generic cell rate algorithm's theoretical arrival time: when its next token is due. A token
 * is due every {@code 1 s / perSecond}; a full bucket lets a frame through up to {@code burst - 1}
 * intervals ahead of that schedule.
 *
 * <p>Immutable and shared by every connection of a listener; the connection keeps its due time (one
 * {@code long}) and passes it in with the time, so the limit costs a connection 8 bytes and its
 * clock is the caller's (the event loop's ticker). Times are {@link System#nanoTime()}-style: only
 * their differences count, so they may wrap.
 */
final class UpstreamRate {
  private final int perSecond;
  private final long intervalNanos;
  private final long toleranceNanos;

  /**
   * @param perSecond tokens per second, at least 1
   * @param burst the tokens a full bucket holds, at least 1
   */
  UpstreamRate(int perSecond, int burst) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", burst: " + burst + " (expected: both >= 1)");
    }
    this.perSecond = perSecond;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = (burst - 1) * intervalNanos;
  }

  /**
   * Whether a bucket whose next token is due at {@code dueAt} has a token at {@code now}. A new,
   * full bucket is due at the time it is made.
   */
  boolean allows(long dueAt, long now) {
    return dueAt - now <= toleranceNanos;
  }

  /**
   * The next due time of a bucket that {@linkplain #allows had} a token at {@code now} and gave it.
   */
  long taken(long dueAt, long now) {
    // A bucket due in the past is full: its schedule restarts from now.
    return (dueAt - now < 0 ? now : dueAt) + intervalNanos;
  }

  int perSecond() {
    return perSecond;
  }
}
