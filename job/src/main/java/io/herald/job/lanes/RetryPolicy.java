package io.herald.job.lanes;

import io.grpc.Status;
import io.herald.job.config.DeliveryConfig;
import java.time.Duration;

/**
 * Which failed Comet calls are retried, after how long, and when Job gives up. Pure: no clock of
 * its own, no I/O.
 *
 * <p>A call refused for what it is ({@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, {@code
 * OUT_OF_RANGE}, {@code UNIMPLEMENTED}, {@code PERMISSION_DENIED}, {@code UNAUTHENTICATED}, {@code
 * NOT_FOUND}, {@code ALREADY_EXISTS}) would be refused again: it is not retried. Every other
 * failure ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED}, a broken
 * stream...) is taken as transient and retried after {@code initialBackoff}, doubling up to {@code
 * maxBackoff}, until the call has been failing for {@code giveUpAfter}.
 */
final class RetryPolicy {
  private final long initialBackoffMillis;
  private final long maxBackoffMillis;
  private final long giveUpAfterMillis;

  RetryPolicy(DeliveryConfig config) {
    this.initialBackoffMillis = config.initialBackoff().toMillis();
    this.maxBackoffMillis = config.maxBackoff().toMillis();
    this.giveUpAfterMillis = config.giveUpAfter().toMillis();
  }

  /** Whether a call that failed with {@code status} may succeed if sent again. */
  static boolean isTransient(Status status) {
    return switch (status.getCode()) {
      case INVALID_ARGUMENT,
          FAILED_PRECONDITION,
          OUT_OF_RANGE,
          UNIMPLEMENTED,
          PERMISSION_DENIED,
          UNAUTHENTICATED,
          NOT_FOUND,
          ALREADY_EXISTS ->
          false;
      default -> true;
    };
  }

  /** The wait before the next attempt of a call that has failed {@code failures} (>= 1) times. */
  Duration backoff(int failures) {
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    long millis = initialBackoffMillis << doublings;
    return Duration.ofMillis(millis <= 0 ? maxBackoffMillis : Math.min(millis, maxBackoffMillis));
  }

  /** Whether a call failing since {@code firstFailureMillis} is given up at {@code nowMillis}. */
  boolean givesUp(long firstFailureMillis, long nowMillis) {
    return nowMillis - firstFailureMillis >= giveUpAfterMillis;
  }
}
