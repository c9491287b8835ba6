package io.herald.idgen.segment;

/**
 * One segment tag's numbers.
 *
 * @param firstId where ids start when the tag's row is created (later starts continue from the row)
 * @param step the first segment's size when the row is created; later the stored, adapted step
 * @param minStep the smallest step adaptation goes to
 * @param maxStep the largest step adaptation goes to
 */
public record SegmentTagConfig(long firstId, int step, int minStep, int maxStep) {
  public SegmentTagConfig {
    if (firstId < 1) {
      throw new IllegalArgumentException("firstId: " + firstId + " (expected: >= 1)");
    }
    if (minStep < 1) {
      throw new IllegalArgumentException("minStep: " + minStep + " (expected: >= 1)");
    }
    if (maxStep < minStep) {
      throw new IllegalArgumentException(
          "maxStep: " + maxStep + " (expected: >= minStep " + minStep + ")");
    }
    if (step < minStep || step > maxStep) {
      throw new IllegalArgumentException(
          "step: " + step + " (expected: " + minStep + "-" + maxStep + ")");
    }
  }
}
