package io.herald.job.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what has been delivered: the offsets {@link Assignment} says are done (up to the first
 * record whose delivery has not ended). Asynchronously every {@code commitInterval} while
 * consuming; synchronously before partitions are let go (revoked, or the consumer closing). A
 * failed commit is counted ({@code herald.job.commits{result=failed}}); its offsets are committed
 * at the next try, or their records delivered again by the partition's next owner. Consumer thread
 * only.
 */
final class OffsetCommits {
  private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);

  private final Consumer<byte[], byte[]> consumer;
  private final Assignment assignment;
  private final ConsumerMetrics metrics;
  private final Clock clock;
  private final long intervalMillis;
  private long nextCommitMillis;

  OffsetCommits(
      Consumer<byte[], byte[]> consumer,
      Assignment assignment,
      ConsumerMetrics metrics,
      Clock clock,
      Duration interval) {
    this.consumer = consumer;
    this.assignment = assignment;
    this.metrics = metrics;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /** Starts the commit interval: the first asynchronous commit is one interval from now. */
  void startInterval() {
    nextCommitMillis = clock.millis() + intervalMillis;
  }

  /** Commits the assigned partitions asynchronously if the interval has come round. */
  void commitIfDue() {
    if (clock.millis() >= nextCommitMillis) {
      commitAsync();
      nextCommitMillis = clock.millis() + intervalMillis;
    }
  }

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> commits = assignment.toCommit(assignment.partitions());
    if (commits.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        commits,
        (committed, error) -> {
          if (error == null) {
            metrics.commitsOk.increment();
            return;
          }
          metrics.commitsFailed.increment();
          log.warn("Committing offsets failed (retried at the next commit): {}", error.toString());
          assignment.commitFailed(commits);
        });
  }

  /**
   * Commits {@code partitions} and waits for the answer. A failure is counted and logged (their
   * records are delivered again); a fencing is thrown: this consumer is done.
   */
  void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = assignment.toCommit(partitions);
    if (commits.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(commits);
      } catch (WakeupException e) {
        // stop() woke the consumer while it was not polling; the wakeup is spent, commit again
        consumer.commitSync(commits);
      }
      metrics.commitsOk.increment();
    } catch (KafkaException e) {
      assignment.commitFailed(commits);
      metrics.commitsFailed.increment();
      if (KafkaPushConsumer.fenced(e)) {
        throw e;
      }
      log.warn(
          "Committing offsets of {} failed; their records will be delivered again: {}",
          commits.keySet(),
          e.toString());
    }
  }
}
