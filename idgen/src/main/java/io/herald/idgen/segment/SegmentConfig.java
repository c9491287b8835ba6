package io.herald.idgen.segment;

import io.herald.config.Check;
import java.time.Duration;

/**
 * How segment tags buffer and adapt, for all of them.
 *
 * @param prefetchAt the fraction of a segment used when the next one is loaded in the background (0
 *     to 0.9; Leaf loads at 0.1)
 * @param segmentDuration how long one segment should last: a segment used up faster doubles the
 *     step, one lasting more than twice as long halves it, within the tag's bounds
 * @param loadTimeout how long a request waits for a segment load when both buffers are spent
 */
public record SegmentConfig(double prefetchAt, Duration segmentDuration, Duration loadTimeout) {
  public SegmentConfig {
    Check.inRange("prefetchAt", prefetchAt, 0.0, 0.9);
    Check.positive("segmentDuration", segmentDuration);
    Check.positive("loadTimeout", loadTimeout);
  }

  /** Prefetch at 20 % used, aim for 15-minute segments, wait up to 5 s for a load. */
  public static SegmentConfig defaults() {
    return new SegmentConfig(0.2, Duration.ofMinutes(15), Duration.ofSeconds(5));
  }
}
