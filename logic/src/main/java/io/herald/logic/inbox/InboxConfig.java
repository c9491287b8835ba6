package io.herald.logic.inbox;

import io.herald.config.Check;
import io.herald.config.Durations;
import java.time.Duration;

/**
 * How much each user's inbox keeps and how much a SYNC returns. The backend follows {@code
 * store.backend}.
 *
 * @param maxCount messages kept per user; older ones are trimmed on append (default 1000, at most
 *     100000)
 * @param maxAge how long a message is kept, and how long an inbox lives without appends (default 7
 *     days; at least 1 s)
 * @param syncLimit messages one SYNC returns when the client asks for no limit (default 100; at
 *     most {@value #MAX_SYNC_LIMIT}, the cap of every SYNC)
 */
public record InboxConfig(int maxCount, Duration maxAge, int syncLimit) {
  /** The most messages one SYNC returns, whatever it asks. */
  public static final int MAX_SYNC_LIMIT = 500;

  static final int MAX_COUNT = 100_000;

  public static InboxConfig defaults() {
    return new InboxConfig(1000, Duration.ofDays(7), 100);
  }

  public InboxConfig {
    Check.inRange("maxCount", maxCount, 1, MAX_COUNT);
    Check.positive("maxAge", maxAge);
    Check.state(maxAge.toSeconds() >= 1, "maxAge", Durations.format(maxAge), ">= 1s");
    Check.inRange("syncLimit", syncLimit, 1, MAX_SYNC_LIMIT);
  }

  /** A SYNC's limit: {@code syncLimit} for 0, else capped at {@value #MAX_SYNC_LIMIT}. */
  public int syncLimit(int requested) {
    if (requested < 0) {
      throw new IllegalArgumentException(
          "limit: " + requested + " (expected: 0 for the default, or a positive number)");
    }
    return requested == 0 ? syncLimit : Math.min(requested, MAX_SYNC_LIMIT);
  }
}
