package io.herald.job.config;

import io.herald.config.Check;
import io.herald.config.Durations;
import java.time.Duration;

/**
 * How room messages are merged: per room, a batch is sent when it holds {@code maxMessages}
 * messages or {@code maxBytes} of bodies, or {@code window} after its first message, whichever
 * comes first. A quiet room's single message waits at most {@code window}.
 *
 * @param window the longest a message waits for others (default 5 ms; 0 sends every message alone)
 * @param maxMessages the most messages in one batch (default 64)
 * @param maxBytes the most body bytes in one batch (default 32768); a message larger than this goes
 *     alone
 */
public record BatchConfig(Duration window, int maxMessages, int maxBytes) {

  public static BatchConfig defaults() {
    return new BatchConfig(Duration.ofMillis(5), 64, 32 * 1024);
  }

  public BatchConfig {
    Check.notNull("window", window);
    Check.state(
        !window.isNegative() && window.compareTo(Duration.ofSeconds(1)) <= 0,
        "window",
        Durations.format(window),
        "0-1s");
    Check.inRange("maxMessages", maxMessages, 1, 1000);
    Check.inRange("maxBytes", maxBytes, 1, 4 * 1024 * 1024);
  }
}
