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
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
  private final Map<TopicPartition, PartitionOffsets> assigned = new HashMap<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running;
  private volatile Duration closeGrace = Duration.ZERO;
  private boolean closing;
  private Thread thread;
  private long nextCommitMillis;

  /** A delivery that ended, reported to the consumer thread. */
  private record Completion(
      TopicPartition partition, PartitionOffsets owner, long offset, boolean delivered) {}

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
        applyCompletions();
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
    PartitionOffsets offsets = assigned.get(partition);
    if (offsets == null) {
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
      offsets.skipped(record.offset());
      return;
    }
    CompletableFuture<Void> delivery;
    try {
      delivery = deliver.apply(msg);
    } catch (RuntimeException e) {
      delivery = CompletableFuture.failedFuture(e);
    }
    long offset = record.offset();
    offsets.taken(offset, delivery);
    var unused =
        delivery.whenComplete(
            (ok, error) ->
                completions.add(new Completion(partition, offsets, offset, error == null)));
  }

  private void applyCompletions() {
    Completion completion;
    while ((completion = completions.poll()) != null) {
      apply(completion);
    }
  }

  private void apply(Completion completion) {
    if (completion.delivered() && assigned.get(completion.partition()) == completion.owner()) {
      completion.owner().completed(completion.offset());
    }
  }

  private void flowControl() {
    Set<TopicPartition> paused = consumer.paused();
    int pausedNow = 0;
    for (Map.Entry<TopicPartition, PartitionOffsets> entry : assigned.entrySet()) {
      boolean full = entry.getValue().inFlight() >= config.maxInFlightPerPartition();
      boolean isPaused = paused.contains(entry.getKey());
      if (full && !isPaused) {
        consumer.pause(List.of(entry.getKey()));
      } else if (!full && isPaused) {
        consumer.resume(List.of(entry.getKey()));
      }
      pausedNow += full ? 1 : 0;
    }
    metrics.paused.set(pausedNow);
  }

  private void measure() {
    long lag = 0;
    long inFlight = 0;
    for (Map.Entry<TopicPartition, PartitionOffsets> entry : assigned.entrySet()) {
      OptionalLong partitionLag = consumer.currentLag(entry.getKey());
      lag += partitionLag.orElse(0);
      inFlight += entry.getValue().inFlight();
    }
    metrics.lag.set(lag);
    metrics.inFlight.set(inFlight);
    metrics.assigned.set(assigned.size());
  }

  private Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition partition : partitions) {
      PartitionOffsets offsets = assigned.get(partition);
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

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> commits = toCommit(assigned.keySet());
    if (commits.isEmpty()) {
      return;
    }
    Map<TopicPartition, PartitionOffsets> owners = new HashMap<>();
    commits.keySet().forEach(partition -> owners.put(partition, assigned.get(partition)));
    consumer.commitAsync(
        commits,
        (committed, error) -> {
          if (error == null) {
            metrics.commitsOk.increment();
            return;
          }
          metrics.commitsFailed.increment();
          log.warn("Committing offsets failed (retried at the next commit): {}", error.toString());
          commits.forEach(
              (partition, offset) -> owners.get(partition).commitFailed(offset.offset()));
        });
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = toCommit(partitions);
    if (commits.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(commits);
      metrics.commitsOk.increment();
    } catch (KafkaException e) {
      metrics.commitsFailed.increment();
      log.warn(
          "Committing offsets of {} failed; their records will be delivered again: {}",
          commits.keySet(),
          e.toString());
    }
  }

  /** Waits up to {@code timeout} for the deliveries of {@code partitions} to end. */
  private void awaitDeliveries(Collection<TopicPartition> partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    applyCompletions();
    while (inFlight(partitions) > 0) {
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

  private int inFlight(Collection<TopicPartition> partitions) {
    int count = 0;
    for (TopicPartition partition : partitions) {
      PartitionOffsets offsets = assigned.get(partition);
      count += offsets == null ? 0 : offsets.inFlight();
    }
    return count;
  }

  private void release(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      PartitionOffsets offsets = assigned.remove(partition);
      if (offsets != null) {
        int left = offsets.abandon();
        if (left > 0) {
          metrics.abandoned.increment(left);
          log.info(
              "Partition {} left with {} records in delivery; its next owner delivers them again",
              partition,
              left);
        }
      }
    }
    metrics.assigned.set(assigned.size());
  }

  private void close(KafkaConsumer<byte[], byte[]> kafka) {
    awaitDeliveries(assigned.keySet(), closeGrace);
    commitSync(assigned.keySet());
    closing = true;
    release(List.copyOf(assigned.keySet()));
    kafka.close();
    log.info("Kafka consumer of {} closed", config.topic());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        assigned.put(partition, new PartitionOffsets());
      }
      metrics.assigned.set(assigned.size());
      if (!partitions.isEmpty()) {
        log.info("Assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || closing) {
        return;
      }
      awaitDeliveries(partitions, config.revokeTimeout());
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
