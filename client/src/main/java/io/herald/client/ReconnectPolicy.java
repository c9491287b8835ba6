package io.herald.client;

import java.time.Duration;

/**
 * How the client walks its node list after losing a connection. A <em>round</em> tries at most
 * {@code attemptsPerRound} nodes in order (hints from a RECONNECT first, then the Balancer's list,
 * then the configured nodes); between failed rounds it waits {@code min(maxDelay, baseDelay *
 * factor^(n-1))} for the n-th consecutive failure, with {@code jitter} of it randomized away: the
 * wait is uniform in {@code [delay * (1 - jitter), delay]}, so {@code jitter = 1} is "full jitter".
 *
 * <p>A connection that stayed up at least {@code stableAfter} resets the failure count, so its loss
 * is retried at once; one that drops sooner counts as a failure, so a node that accepts and then
 * drops clients is not hammered.
 *
 * @param baseDelay the wait after the first failed round (default 1 s)
 * @param factor growth per further failure (default 2)
 * @param jitter the randomized fraction of each wait, 0 to 1 (default 1: full jitter)
 * @param maxDelay the longest wait (default 2 min, the Balancer's)
 * @param attemptsPerRound nodes tried per round at most (default 5)
 * @param stableAfter how long a connection must last to reset the failure count (default 30 s)
 */
public record ReconnectPolicy(
    Duration baseDelay,
    double factor,
    double jitter,
    Duration maxDelay,
    int attemptsPerRound,
    Duration stableAfter) {

  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(
          Duration.ofSeconds(1), 2.0, 1.0, Duration.ofMinutes(2), 5, Duration.ofSeconds(30));

  public ReconnectPolicy {
    HeartbeatPolicy.positive("baseDelay", baseDelay);
    HeartbeatPolicy.positive("stableAfter", stableAfter);
    if (!(factor >= 1.0 && factor <= 10.0)) {
      throw new IllegalArgumentException("factor: " + factor + " (expected: 1-10)");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0-1)");
    }
    if (maxDelay == null || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + maxDelay + " (expected: >= baseDelay " + baseDelay + ")");
    }
    if (attemptsPerRound < 1 || attemptsPerRound > 100) {
      throw new IllegalArgumentException(
          "attemptsPerRound: " + attemptsPerRound + " (expected: 1-100)");
    }
  }

  /**
   * The wait before the next round after {@code failures} consecutive failures; zero for none.
   *
   * @param random a uniform value in [0, 1)
   */
  public Duration delay(int failures, double random) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    double capped =
        Math.min(
            (double) maxDelay.toNanos(),
            baseDelay.toNanos() * Math.pow(factor, Math.min(failures - 1, 64)));
    return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
  }
}
