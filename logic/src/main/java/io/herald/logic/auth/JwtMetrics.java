package io.herald.logic.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What mode {@code jwt} counts beside the AUTH outcomes: {@code herald.logic.auth.jwt{event}},
 * event one of {@code oversized} (a token refused for its length before parsing), {@code
 * keys_read}, {@code keys_read_failed} (the JWK set file read again on schedule), {@code
 * unknown_kid_read}, {@code unknown_kid_read_failed} (read again for a token naming an unknown
 * kid).
 */
final class JwtMetrics {
  static final String METER = "herald.logic.auth.jwt";

  private final Counter oversized;
  private final Counter keysRead;
  private final Counter keysReadFailed;
  private final Counter unknownKidRead;
  private final Counter unknownKidReadFailed;

  JwtMetrics(MeterRegistry registry) {
    this.oversized = counter(registry, "oversized");
    this.keysRead = counter(registry, "keys_read");
    this.keysReadFailed = counter(registry, "keys_read_failed");
    this.unknownKidRead = counter(registry, "unknown_kid_read");
    this.unknownKidReadFailed = counter(registry, "unknown_kid_read_failed");
  }

  /** Counts into a registry of its own: for checks that build an authenticator and drop it. */
  static JwtMetrics unregistered() {
    return new JwtMetrics(new SimpleMeterRegistry());
  }

  void oversized() {
    oversized.increment();
  }

  void keysRead(boolean unknownKid, boolean ok) {
    if (unknownKid) {
      (ok ? unknownKidRead : unknownKidReadFailed).increment();
    } else {
      (ok ? keysRead : keysReadFailed).increment();
    }
  }

  private static Counter counter(MeterRegistry registry, String event) {
    return Counter.builder(METER)
        .description("JWT events beside the AUTH outcome")
        .tag("event", event)
        .register(registry);
  }
}
