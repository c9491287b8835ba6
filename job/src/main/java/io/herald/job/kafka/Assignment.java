package io.herald.job.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this consumer owns and, for each, the records in delivery ({@link
 * PartitionOffsets}). Deliveries end on other threads; their completions queue up here and are
 * applied on the consumer thread, which owns everything else. A completion from an earlier
 * assignment of a partition is ignored.
 */
final class Assignment {
  private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  /** A delivery that ended: normally ({@code delivered}) or not (to be delivered again). */
  private record Completion(
      TopicPartition partition, PartitionOffsets owner, long offset, boolean delivered) {}

  void assigned(Collection<TopicPartition> assigned) {
    assigned.forEach(partition -> partitions.put(partition, new PartitionOffsets()));
  }

  boolean owns(TopicPartition partition) {
    return partitions.containsKey(partition);
  }

  Set<TopicPartition> partitions() {
    return Set.copyOf(partitions.keySet());
  }

  /** Tracks {@code offset} of an owned partition, delivered by {@code delivery}. */
  void taken(TopicPartition partition, long offset, CompletableFuture<Void> delivery) {
    PartitionOffsets owner = partitions.get(partition);
    owner.taken(offset, delivery);
    var unused =
        delivery.whenComplete(
            (ok, error) ->
                completions.add(new Completion(partition, owner, offset, error == null)));
  }

  /** Tracks {@code offset} of an owned partition as needing no delivery. */
  void skipped(TopicPartition partition, long offset) {
    partitions.get(partition).skipped(offset);
  }

  /** Applies the completions that arrived so far. */
  void applyCompletions() {
    Completion completion;
    while ((completion = completions.poll()) != null) {
      apply(completion);
    }
  }

  private void apply(Completion completion) {
    if (completion.delivered() && partitions.get(completion.partition()) == completion.owner()) {
      completion.owner().completed(completion.offset());
    }
  }

  /** Waits up to {@code timeout} for the deliveries of {@code which} to end. */
  void awaitDeliveries(Collection<TopicPartition> which, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    applyCompletions();
    while (inFlight(which) > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        Completion completion = completions.poll(left, TimeUnit.NANOSECONDS);
        if (completion != null) {
          apply(completion);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Records of {@code which} in delivery. */
  int inFlight(Collection<TopicPartition> which) {
    int count = 0;
    for (TopicPartition partition : which) {
      PartitionOffsets offsets = partitions.get(partition);
      count += offsets == null ? 0 : offsets.inFlight();
    }
    return count;
  }

  /** Records of {@code partition} in delivery (0 if not owned). */
  int inFlight(TopicPartition partition) {
    PartitionOffsets offsets = partitions.get(partition);
    return offsets == null ? 0 : offsets.inFlight();
  }

  /**
   * The offsets of {@code which} to commit now (those that moved), marked as being committed; a
   * failed commit is undone with {@link #commitFailed}.
   */
  Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition partition : which) {
      PartitionOffsets offsets = partitions.get(partition);
      if (offsets != null) {
        OptionalLong offset = offsets.toCommit();
        if (offset.isPresent()) {
          commits.put(partition, new OffsetAndMetadata(offset.getAsLong()));
          offsets.committing(offset.getAsLong());
        }
      }
    }
    return commits;
  }

  void commitFailed(Map<TopicPartition, OffsetAndMetadata> commits) {
    commits.forEach(
        (partition, offset) -> {
          PartitionOffsets offsets = partitions.get(partition);
          if (offsets != null) {
            offsets.commitFailed(offset.offset());
          }
        });
  }

  /**
   * Gives up {@code which}: their deliveries still running are abandoned (cancelled) and nothing
   * past them is committed. Returns how many were abandoned.
   */
  int release(Collection<TopicPartition> which) {
    int abandoned = 0;
    for (TopicPartition partition : which) {
      PartitionOffsets offsets = partitions.remove(partition);
      if (offsets != null) {
        abandoned += offsets.abandon();
      }
    }
    return abandoned;
  }
}
