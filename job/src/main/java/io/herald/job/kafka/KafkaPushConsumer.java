package io.herald.job.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.job.config.KafkaConfig;
import io.herald.proto.queue.v1.PushMsg;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes push records from the Kafka topic and hands each to {@code deliver}, committing offsets
 * only up to the first record whose delivery has not ended ({@link PartitionOffsets}).
 *
 * <p><b>Guarantee: at least once.</b> A record's offset is committed only after the future {@code
 * deliver} returned for it, and for every record before it in its partition, completed normally. A
 * crash, a kill or a stop that cannot wait replays everything not committed; the deliveries are
 * idempotent enough for that (clients drop unicast duplicates by message id; rooms and broadcasts
 * are best-effort).
 *
 * <p><b>Rebalances.</b> When partitions are revoked, the consumer waits up to {@code revokeTimeout}
 * for their records' deliveries to end, commits, and only then lets them go, so the next owner
 * starts after the last delivered record: nothing lost, and one target's records (one key, one
 * partition) are not delivered by two Jobs at once in the common case. Deliveries still running at
 * the timeout are abandoned (cancelled: calls not yet sent are dropped) and not committed; the next
 * owner delivers them again. Lost partitions are abandoned without a commit.
 *
 * <p><b>Bounded memory.</b> A partition with {@code maxInFlightPerPartition} records in delivery is
 * paused until some complete; at most {@code maxInFlightPerPartition + maxPollRecords} records per
 * partition are ever held.
 *
 * <p>One thread ({@code herald-job-consumer}) owns the Kafka consumer. The constructor does no I/O;
 * {@link #start()} and {@link #stop(Duration)} are idempotent.
 */
public final class KafkaPushConsumer {
  private static final Logger log = LoggerFactory.getLogger(KafkaPushConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final KafkaConfig config;
  private final Function<PushMsg, CompletableFuture<Void>> deliver;
  private final Clock clock;
  private final ConsumerMetrics metrics;
  private final Assignment assignment = new Assignment();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running;
  private volatile Duration closeGrace = Duration.ZERO;
  private boolean closing;
  private Thread thread;
  private long nextCommitMillis;

  /**
   * @param deliver delivers one record; completes normally when its delivery has ended by policy,
   *     exceptionally when it must be delivered again by the partition's next owner
   */
  public KafkaPushConsumer(
      KafkaConfig config,
      Function<PushMsg, CompletableFuture<Void>> deliver,
      Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.deliver = deliver;
    this.clock = clock;
    this.metrics = new ConsumerMetrics(meters);
  }

  /** Creates the consumer and starts reading on a thread of its own. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    consumer = new KafkaConsumer<>(consumerProperties(config));
    running = true;
    thread = new Thread(this::run, "herald-job-consumer");
    thread.setDaemon(true);
    thread.start();
    log.info(
        "Consuming pushes from Kafka topic {} at {} as group {}",
        config.topic(),
        config.bootstrapServers(),
        config.groupId());
  }

  /** Completes when the consumer thread has ended: stopped, or failed. */
  public CompletableFuture<Void> terminated() {
    return terminated.copy();
  }

  /** Whether the consumer thread is running (false before start, after stop, or if it failed). */
  public boolean running() {
    return running && !terminated.isDone();
  }

  /**
   * Stops reading, waits up to {@code grace} for the deliveries under way, commits what completed
   * and leaves the group. Returns when the consumer is closed. Idempotent.
   */
  public void stop(Duration grace) {
    Thread stopping;
    synchronized (this) {
      stopping = thread;
      if (stopping == null || !running) {
        running = false;
        if (stopping != null) {
          terminated.join();
        }
        return;
      }
      closeGrace = grace;
      running = false;
    }
    consumer.wakeup();
    try {
      terminated.get(grace.toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("The Kafka consumer did not close in time", e);
    }
  }

  private void run() {
    KafkaConsumer<byte[], byte[]> kafka = consumer;
    try {
      kafka.subscribe(List.of(config.topic()), new Rebalance());
      nextCommitMillis = clock.millis() + config.commitInterval().toMillis();
      while (running) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = kafka.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          take(record);
        }
        assignment.applyCompletions();
        flowControl();
        if (clock.millis() >= nextCommitMillis) {
          commitAsync();
          nextCommitMillis = clock.millis() + config.commitInterval().toMillis();
        }
        measure();
      }
      close(kafka);
    } catch (RuntimeException e) {
      log.error("The Kafka consumer failed; records not committed will be delivered again", e);
      try {
        kafka.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
    } finally {
      running = false;
      terminated.complete(null);
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    if (!assignment.owns(partition)) {
      return; // not ours any more; its next owner reads it
    }
    PushMsg msg;
    try {
      if (record.value() == null) {
        throw new InvalidProtocolBufferException("no value");
      }
      msg = PushMsg.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      metrics.invalid.increment();
      log.warn(
          "Skipping unreadable record {} at offset {}: {}",
          partition,
          record.offset(),
          e.getMessage());
      assignment.skipped(partition, record.offset());
      return;
    }
    CompletableFuture<Void> delivery;
    try {
      delivery = deliver.apply(msg);
    } catch (RuntimeException e) {
      delivery = CompletableFuture.failedFuture(e);
    }
    assignment.taken(partition, record.offset(), delivery);
  }

  private void flowControl() {
    Set<TopicPartition> paused = consumer.paused();
    int pausedNow = 0;
    for (TopicPartition partition : assignment.partitions()) {
      boolean full = assignment.inFlight(partition) >= config.maxInFlightPerPartition();
      boolean isPaused = paused.contains(partition);
      if (full && !isPaused) {
        consumer.pause(List.of(partition));
      } else if (!full && isPaused) {
        consumer.resume(List.of(partition));
      }
      pausedNow += full ? 1 : 0;
    }
    metrics.paused.set(pausedNow);
  }

  private void measure() {
    Set<TopicPartition> partitions = assignment.partitions();
    long lag = 0;
    for (TopicPartition partition : partitions) {
      lag += consumer.currentLag(partition).orElse(0);
    }
    metrics.lag.set(lag);
    metrics.inFlight.set(assignment.inFlight(partitions));
    metrics.assigned.set(partitions.size());
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

  private void commitSync(Collection<TopicPartition> partitions) {
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
      log.warn(
          "Committing offsets of {} failed; their records will be delivered again: {}",
          commits.keySet(),
          e.toString());
    }
  }

  private void release(Collection<TopicPartition> partitions) {
    int left = assignment.release(partitions);
    if (left > 0) {
      metrics.abandoned.increment(left);
      log.info(
          "Gave up {} with {} records in delivery; their next owner delivers them again",
          partitions,
          left);
    }
    metrics.assigned.set(assignment.partitions().size());
  }

  private void close(KafkaConsumer<byte[], byte[]> kafka) {
    assignment.awaitDeliveries(assignment.partitions(), closeGrace);
    commitSync(assignment.partitions());
    closing = true;
    release(assignment.partitions());
    kafka.close();
    log.info("Kafka consumer of {} closed", config.topic());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assignment.assigned(partitions);
      metrics.assigned.set(assignment.partitions().size());
      if (!partitions.isEmpty()) {
        log.info("Assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || closing) {
        return;
      }
      assignment.awaitDeliveries(partitions, config.revokeTimeout());
      commitSync(partitions);
      release(partitions);
      log.info("Revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions);
      log.warn("Lost {} without committing; their records will be delivered again", partitions);
    }
  }

  static Map<String, Object> consumerProperties(KafkaConfig config) {
    Map<String, Object> props = new HashMap<>(config.properties());
    props.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    if (!config.clientId().isEmpty()) {
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId());
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.autoOffsetReset());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }
}
