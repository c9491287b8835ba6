package io.herald.idgen.segment;

/** Hands out segments of a tag's numbers; each call returns a range no other call ever returns. */
public interface SegmentSource {
  /**
   * Allocates the tag's next segment.
   *
   * @param tag the business tag; its row exists
   * @param step the segment's size, or 0 for the step stored with the tag (clamped to {@code
   *     [minStep, maxStep]})
   * @throws SegmentStoreException if the store cannot be reached or has no row for the tag
   */
  Allocation allocate(String tag, int step, int minStep, int maxStep);

  /**
   * One allocation.
   *
   * @param range the ids, {@code [max_id - step, max_id)} of the updated row
   * @param step the step used (and now stored)
   */
  record Allocation(Range range, int step) {}
}
