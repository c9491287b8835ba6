package io.herald.idgen.server;

import io.herald.config.Check;
import io.herald.idgen.Mode;
import io.herald.idgen.segment.SegmentTagConfig;
import java.util.regex.Pattern;

/**
 * One business tag.
 *
 * @param name the tag, 1 to 64 characters of {@code a-z 0-9 _ . -}
 * @param mode {@code snowflake}, {@code sonyflake} or {@code segment}
 * @param firstId segment tags: the first id when the tag's row is created (default 1)
 * @param step segment tags: the first segment size (default 1,000); adapted within the bounds
 * @param minStep segment tags: the smallest step (default: {@code step})
 * @param maxStep segment tags: the largest step (default 100,000, or {@code step} if larger)
 */
public record TagConfig(
    String name, Mode mode, Long firstId, Integer step, Integer minStep, Integer maxStep) {
  public static final int DEFAULT_STEP = 1_000;
  public static final int DEFAULT_MAX_STEP = 100_000;

  private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,64}");

  public TagConfig {
    Check.state(
        name != null && NAME.matcher(name).matches(),
        "name",
        name,
        "1 to 64 characters of a-z, 0-9, '_', '.', '-'");
    Check.notNull("mode", mode);
    firstId = firstId == null || firstId == 0 ? 1 : firstId;
    step = step == null || step == 0 ? DEFAULT_STEP : step;
    minStep = minStep == null || minStep == 0 ? step : minStep;
    maxStep = maxStep == null || maxStep == 0 ? Math.max(DEFAULT_MAX_STEP, step) : maxStep;
    if (mode == Mode.SEGMENT) {
      var unused = new SegmentTagConfig(firstId, step, minStep, maxStep); // validates
    }
  }

  /** A time-based tag. */
  public static TagConfig of(String name, Mode mode) {
    return new TagConfig(name, mode, null, null, null, null);
  }

  /** A segment tag with a step. */
  public static TagConfig segment(String name, int step) {
    return new TagConfig(name, Mode.SEGMENT, null, step, null, null);
  }

  public SegmentTagConfig segment() {
    return new SegmentTagConfig(firstId, step, minStep, maxStep);
  }
}
