package io.herald.client;

import io.herald.wire.chat.ChatStatus;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * How {@link Chat} retries a request that got no usable answer: a timeout, a connection lost or not
 * there (the retry goes out on the next connection, after a reconnect), or a reply with a retryable
 * status ({@link ChatStatus#UNAVAILABLE}, {@link ChatStatus#RATE_LIMITED}). A send is retried with
 * the same client message id, so the server stores it once. Attempt {@code n + 1} follows attempt
 * {@code n} after {@code min(maxDelay, firstDelay * factor^(n-1))}, of which a random part up to
 * half is taken away; after {@code maxAttempts} the request fails with {@link ChatException} of
 * status UNAVAILABLE.
 *
 * @param maxAttempts attempts in all, 1 to 100 (default 6)
 * @param firstDelay the wait after the first failed attempt (default 500 ms)
 * @param factor growth per further failure, 1 to 10 (default 2)
 * @param maxDelay the longest wait (default 8 s)
 */
public record ChatRetryPolicy(
    int maxAttempts, Duration firstDelay, double factor, Duration maxDelay) {

  /** 6 attempts over about 15 s of waits (plus the request timeouts), enough for a reconnect. */
  public static final ChatRetryPolicy DEFAULT =
      new ChatRetryPolicy(6, Duration.ofMillis(500), 2.0, Duration.ofSeconds(8));

  public ChatRetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1-100)");
    }
    HeartbeatPolicy.positive("firstDelay", firstDelay);
    if (!(factor >= 1.0 && factor <= 10.0)) {
      throw new IllegalArgumentException("factor: " + factor + " (expected: 1-10)");
    }
    if (maxDelay == null || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + maxDelay + " (expected: >= firstDelay " + firstDelay + ")");
    }
  }

  /**
   * The wait after failed attempt {@code attempt} (1-based).
   *
   * @param random a uniform value in [0, 1)
   */
  public Duration delay(int attempt, double random) {
    double capped =
        Math.min(
            (double) maxDelay.toNanos(),
            firstDelay.toNanos() * Math.pow(factor, Math.min(Math.max(attempt, 1) - 1, 64)));
    return Duration.ofNanos((long) (capped * (1.0 - 0.5 * random)));
  }

  /** Whether one more attempt follows attempt {@code attempt} (1-based). */
  public boolean retriesAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** Whether a request that failed with {@code error} (no reply at all) may be sent again. */
  static boolean retryable(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof TimeoutException
        || cause instanceof HeraldClientException.NotConnected
        || cause instanceof HeraldClientException.ConnectionLost;
  }
}
