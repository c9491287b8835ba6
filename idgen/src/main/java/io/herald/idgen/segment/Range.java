package io.herald.idgen.segment;

/**
 * Ids from {@code start} (inclusive) to {@code end} (exclusive).
 *
 * @param start first id
 * @param end one past the last id, {@code > start}
 */
public record Range(long start, long end) {
  public Range {
    if (end <= start) {
      throw new IllegalArgumentException("range [" + start + ", " + end + ") is empty");
    }
  }

  public long size() {
    return end - start;
  }
}
