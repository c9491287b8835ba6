package io.herald.idgen.service;

import io.herald.idgen.Mode;
import io.herald.idgen.layout.IdFields;
import io.herald.idgen.segment.SegmentBuffer;

/** A segment tag: ids from its double buffer. */
final class SegmentIdSource implements IdSource {
  private final SegmentBuffer buffer;
  private final int maxCount;

  SegmentIdSource(SegmentBuffer buffer, int maxCount) {
    this.buffer = buffer;
    this.maxCount = maxCount;
  }

  @Override
  public String tag() {
    return buffer.tag();
  }

  @Override
  public Mode mode() {
    return Mode.SEGMENT;
  }

  @Override
  public int maxCount() {
    return maxCount;
  }

  @Override
  public long next(boolean mayWait) {
    long id = buffer.takeOne(mayWait);
    return id < 0 ? WOULD_WAIT : id;
  }

  @Override
  public void fill(IdBatch batch, boolean mayWait) {
    batch.missing(buffer.take(batch.missing(), batch.rangesToFill(), mayWait));
  }

  @Override
  public IdFields explain(long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("id: " + id + " (expected: > 0)");
    }
    return null;
  }
}
