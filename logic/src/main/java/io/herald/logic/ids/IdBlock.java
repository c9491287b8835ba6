package io.herald.logic.ids;

import io.herald.proto.idgen.v1.IdRange;
import io.herald.proto.idgen.v1.NextIdsResponse;
import java.util.Arrays;
import java.util.List;

/**
 * One answer of IdGen's {@code NextIds}, handed out id by id: ascending, non-overlapping ranges
 * {@code [start, end)}. A segment tag's answer is ranges already; a time-based tag's list becomes
 * ranges of consecutive ids (a Snowflake millisecond's sequence is one range). Not thread-safe: its
 * owner ({@link IdGenMessageIds}) takes ids under its own lock.
 */
final class IdBlock {
  private final long[] starts;
  private final long[] ends;
  private int range;
  private long next;
  private long remaining;

  private IdBlock(long[] starts, long[] ends, int count) {
    this.starts = Arrays.copyOf(starts, count);
    this.ends = Arrays.copyOf(ends, count);
    long total = 0;
    long previousEnd = 1;
    for (int i = 0; i < count; i++) {
      if (this.starts[i] < previousEnd || this.ends[i] <= this.starts[i]) {
        throw new IllegalArgumentException(
            "ids not ascending and positive at range "
                + i
                + ": ["
                + this.starts[i]
                + ", "
                + this.ends[i]
                + ")");
      }
      total += this.ends[i] - this.starts[i];
      previousEnd = this.ends[i];
    }
    if (total == 0) {
      throw new IllegalArgumentException("no ids");
    }
    this.remaining = total;
    this.next = this.starts[0];
  }

  /** The ids of a {@code NextIds} answer, ranges or list. */
  static IdBlock of(NextIdsResponse response) {
    return switch (response.getIdsCase()) {
      case RANGES -> ofRanges(response.getRanges().getRangesList());
      case LIST -> ofList(response.getList().getIdsList());
      case IDS_NOT_SET -> throw new IllegalArgumentException("no ids in the answer");
    };
  }

  static IdBlock ofRanges(List<IdRange> ranges) {
    long[] starts = new long[ranges.size()];
    long[] ends = new long[ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      starts[i] = ranges.get(i).getStart();
      ends[i] = ranges.get(i).getEnd();
    }
    return new IdBlock(starts, ends, ranges.size());
  }

  static IdBlock ofList(List<Long> ids) {
    long[] starts = new long[ids.size()];
    long[] ends = new long[ids.size()];
    int count = 0;
    for (long id : ids) {
      if (count > 0 && id == ends[count - 1]) {
        ends[count - 1]++; // the next id of the same run
      } else {
        starts[count] = id;
        ends[count] = id + 1;
        count++;
      }
    }
    return new IdBlock(starts, ends, count);
  }

  /** Ids not yet taken. */
  long remaining() {
    return remaining;
  }

  /** The next id; only while {@link #remaining()} is above 0. */
  long take() {
    if (remaining == 0) {
      throw new IllegalStateException("block used up");
    }
    long id = next++;
    remaining--;
    if (next == ends[range] && remaining > 0) {
      range++;
      next = starts[range];
    }
    return id;
  }
}
