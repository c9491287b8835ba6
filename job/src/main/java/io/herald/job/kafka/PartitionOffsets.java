package io.herald.job.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The records of one assigned partition taken from Kafka and not yet completed, and the offset that
 * may be committed: the first record not completed, or one past the last record taken when all are.
 * Committing it never skips a record whose delivery has not ended, whatever order the deliveries
 * end in; what was completed after it is delivered again after a crash (at least once).
 *
 * <p>One instance per assignment of the partition: when the partition is revoked and assigned
 * again, completions of the old instance are ignored. Not thread-safe: the consumer thread owns it.
 */
final class PartitionOffsets {
  private final TreeMap<Long, CompletableFuture<Void>> pending = new TreeMap<>();
  private long next = -1;
  private long committed = -1;

  /** Records that {@code offset} was taken and is being delivered by {@code delivery}. */
  void taken(long offset, CompletableFuture<Void> delivery) {
    if (offset < next) {
      throw new IllegalArgumentException("offset " + offset + " taken after " + (next - 1));
    }
    pending.put(offset, delivery);
    next = offset + 1;
  }

  /** Records that {@code offset} was taken and needs no delivery (e.g. it could not be read). */
  void skipped(long offset) {
    if (offset >= next) {
      next = offset + 1;
    }
  }

  /** Marks {@code offset}'s delivery ended. */
  void completed(long offset) {
    pending.remove(offset);
  }

  /** Records taken and not completed. */
  int inFlight() {
    return pending.size();
  }

  /** The offset to commit (the next record to read after a restart), if any record was taken. */
  OptionalLong committable() {
    if (next < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(pending.isEmpty() ? next : pending.firstKey());
  }

  /** The committable offset if it moved past the last one committed. */
  OptionalLong toCommit() {
    OptionalLong offset = committable();
    return offset.isPresent() && offset.getAsLong() > committed ? offset : OptionalLong.empty();
  }

  /** Records that {@code offset} was committed (or is being committed). */
  void committing(long offset) {
    committed = Math.max(committed, offset);
  }

  /** Forgets a commit that failed, so the next round commits again. */
  void commitFailed(long offset) {
    if (committed == offset) {
      committed = -1;
    }
  }

  /**
   * Abandons the deliveries not yet ended: cancels them (so calls not yet sent are dropped) and
   * returns how many there were. They stay pending: nothing past them is ever committed from this
   * instance, which is discarded with the partition.
   */
  int abandon() {
    List<CompletableFuture<Void>> left = new ArrayList<>(pending.values());
    left.forEach(delivery -> delivery.cancel(false));
    return left.size();
  }
}
