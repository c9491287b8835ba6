package io.herald.comet.transport;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket: refilled at {@code perSecond}, holding at most {@code burst} tokens, full at
 * first. Time is passed in (nanoseconds from any fixed origin), so callers choose the clock. Not
 * thread-safe: callers confine it or lock around it.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final double perNano;
  private final double burst;
  private double tokens;
  private long refilledAt;
  private boolean started;

  TokenBucket(int perSecond, int burst) {
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes a token if there is one at {@code now}. */
  boolean tryTake(long now) {
    refill(now);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whether the bucket is back to full at {@code now}: then it is as good as a new one. */
  boolean isFull(long now) {
    refill(now);
    return tokens >= burst;
  }

  long perSecond() {
    return Math.round(perNano * NANOS_PER_SECOND);
  }

  private void refill(long now) {
    if (started) {
      tokens = Math.min(burst, tokens + Math.max(0, now - refilledAt) * perNano);
    }
    started = true;
    refilledAt = now;
  }
}
