package io.herald.idgen.service;

import io.herald.idgen.Mode;
import io.herald.idgen.segment.Range;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids of one NextIds request as they are gathered: a list for time-based tags, ascending ranges
 * for segment tags. A request served without waiting may be left incomplete ({@link #missing()} >
 * 0) and finished on a blocking thread.
 */
public final class IdBatch {
  private final Mode mode;
  private final int count;
  private final List<Range> ranges = new ArrayList<>(2);
  private long[] list;
  private int missing;

  IdBatch(Mode mode, int count) {
    this.mode = mode;
    this.count = count;
    this.missing = count;
  }

  public Mode mode() {
    return mode;
  }

  public int count() {
    return count;
  }

  /** How many ids are still to be added. */
  public int missing() {
    return missing;
  }

  /** The ids of a time-based tag, ascending; {@code null} for segment tags or while incomplete. */
  public long[] list() {
    return list;
  }

  /** The ranges of a segment tag, ascending and non-overlapping; empty for time-based tags. */
  public List<Range> ranges() {
    return ranges;
  }

  List<Range> rangesToFill() {
    return ranges;
  }

  void list(long[] ids) {
    this.list = ids;
    this.missing = 0;
  }

  void missing(int missing) {
    this.missing = missing;
  }
}
