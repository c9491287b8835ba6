package io.herald.logic.overload;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * Admits work under an {@link InFlightLimit} and says how long a refused caller should wait: what
 * the push API (HTTP and gRPC share one) and Comets' Connects go through.
 */
public final class Admission {
  private final InFlightLimit limit;
  private final Duration retryAfter;

  public Admission(InFlightLimit limit, Duration retryAfter) {
    this.limit = limit;
    this.retryAfter = retryAfter;
  }

  /** Admits everything (tests and tools that build one API alone). */
  public static Admission unbounded() {
    return new Admission(
        new InFlightLimit("none", Long.MAX_VALUE, Long.MAX_VALUE, new SimpleMeterRegistry()),
        Duration.ofSeconds(1));
  }

  /** A permit for work holding {@code size} bytes, or null when over a bound (counted, logged). */
  public InFlightLimit.Permit tryAdmit(long size) {
    return limit.tryAcquire(size);
  }

  public long retryAfterMillis() {
    return retryAfter.toMillis();
  }

  /** {@code Retry-After}'s whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  public InFlightLimit limit() {
    return limit;
  }
}
