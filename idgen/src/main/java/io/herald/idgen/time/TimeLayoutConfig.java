package io.herald.idgen.time;

import io.herald.config.Check;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Settings of one time-based layout, shared by every tag using it.
 *
 * @param epoch time 0 of the ids, ISO-8601 ({@code 2025-01-01T00:00:00Z}); never change it once ids
 *     were issued. Not in the future.
 * @param workers how many worker ids the lease pool hands out; at most what the layout's worker
 *     field holds (1,024 for Snowflake, 65,536 for Sonyflake), checked at start
 * @param maxStepBack a clock step back up to this is waited out; a larger one refuses ids until the
 *     clock catches up
 * @param maxCount the most ids one NextIds call gets (the reply is a list); 1 to 10,000
 */
public record TimeLayoutConfig(String epoch, int workers, Duration maxStepBack, int maxCount) {

  public static final String DEFAULT_EPOCH = "2025-01-01T00:00:00Z";

  public TimeLayoutConfig {
    Check.notBlank("epoch", epoch);
    try {
      Instant.parse(epoch);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "epoch: " + epoch + " (expected: an ISO-8601 instant such as " + DEFAULT_EPOCH + ")", e);
    }
    Check.positive("workers", workers);
    Check.notNull("maxStepBack", maxStepBack);
    Check.state(!maxStepBack.isNegative(), "maxStepBack", maxStepBack, ">= 0");
    Check.inRange("maxCount", maxCount, 1, 10_000);
  }

  public long epochMillis() {
    return Instant.parse(epoch).toEpochMilli();
  }

  /** Snowflake: all 1,024 workers, 5 ms tolerated step back, up to 10,000 ids per call. */
  public static TimeLayoutConfig snowflakeDefaults() {
    return new TimeLayoutConfig(DEFAULT_EPOCH, 1024, Duration.ofMillis(5), 10_000);
  }

  /**
   * Sonyflake: 65,536 machines, 20 ms (two time units) tolerated, up to 1,000 ids per call (256 ids
   * per 10 ms: 1,000 take 40 ms).
   */
  public static TimeLayoutConfig sonyflakeDefaults() {
    return new TimeLayoutConfig(DEFAULT_EPOCH, 65_536, Duration.ofMillis(20), 1_000);
  }
}
