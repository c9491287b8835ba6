package io.herald.logic.overload;

import io.herald.config.Check;
import java.time.Duration;

/**
 * The bounds on work in flight in one Logic ({@code overload:} in YAML). Past a bound, a request is
 * refused at once with a retryable answer instead of being queued: memory stays bounded and no
 * caller waits on a queue that cannot drain.
 *
 * @param pushesInFlight pushes (HTTP and gRPC) accepted and not yet answered — waiting for their
 *     body, the session store, the inboxes or Kafka's acknowledgement; one more is refused (HTTP
 *     429, gRPC RESOURCE_EXHAUSTED)
 * @param pushBytesInFlight the bodies of those pushes, in bytes (an HTTP request counts its {@code
 *     Content-Length}, or {@code push.api.maxBodyBytes} without one, from the moment its headers
 *     arrive); a push that would go past it is refused the same way
 * @param connectsInFlight Comets' Connects being decided (authentication and the session's Redis
 *     commands); one more is rejected as overloaded, and the client retries
 * @param retryAfter the wait a refused caller is told ({@code Retry-After}, {@code retry-after-ms},
 *     a rejected Connect's {@code retry_after_ms})
 */
public record OverloadConfig(
    int pushesInFlight, long pushBytesInFlight, int connectsInFlight, Duration retryAfter) {

  public static OverloadConfig defaults() {
    return new OverloadConfig(10_000, 64L * 1024 * 1024, 2_000, Duration.ofSeconds(1));
  }

  public OverloadConfig {
    Check.inRange("pushesInFlight", pushesInFlight, 1, 10_000_000);
    Check.inRange("pushBytesInFlight", pushBytesInFlight, 1, 1L << 40);
    Check.inRange("connectsInFlight", connectsInFlight, 1, 10_000_000);
    Check.positive("retryAfter", retryAfter);
    Check.state(
        retryAfter.compareTo(Duration.ofHours(1)) <= 0, "retryAfter", retryAfter, "at most 1h");
  }
}
