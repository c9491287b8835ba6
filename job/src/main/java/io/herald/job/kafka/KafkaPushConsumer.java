package io.herald.job.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.job.config.KafkaConfig;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.queue.v1.PushMsg;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes push records from the Kafka topic and hands each to {@code deliver}, committing offsets
 * only up to the first record whose delivery has not ended ({@link PartitionOffsets}, {@link
 * OffsetCommits}).
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
 * <p><b>Group membership.</b> With {@code instanceId} set, the consumer is a static member of the
 * group (classic protocol): a successor with the same id that joins after a crash takes the dead
 * member's place and partitions at once, without a rebalance, instead of waiting {@code
 * sessionTimeout} for the dead member to be dropped. A stop leaves the group all the same, so the
 * other members take the partitions over at once. A member fenced by a newer one with its id stops
 * ({@link ConsumerState#FENCED}) and does not come back by itself: two Jobs with one id would
 * otherwise take turns. {@link #state()} says where the consumer is.
 *
 * <p><b>Bounded memory.</b> A partition with {@code maxInFlightPerPartition} records in delivery is
 * paused until some complete; at most {@code maxInFlightPerPartition + maxPollRecords} records per
 * partition are ever held.
 *
 * <p><b>Tracing.</b> Each record gets a {@code process <topic>} consumer span, child of the trace
 * context in its headers (Logic's {@code send} span), from take to the end of its delivery; its
 * delivery runs under it.
 *
 * <p>One thread ({@code herald-job-consumer}) owns the Kafka consumer. The constructor does no I/O;
 * {@link #start()} and {@link #stop(Duration)} are idempotent.
 */
public final class KafkaPushConsumer {
  private static final Logger log = LoggerFactory.getLogger(KafkaPushConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  /** How long closing a consumer that failed may take to leave the group. */
  private static final Duration FAILED_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Reads trace context from a record's headers (written by Logic's {@code KafkaPushQueue}). */
  public static final TextMapGetter<Headers> TRACE_HEADERS =
      (headers, key) -> {
        Header header = headers == null ? null : headers.lastHeader(key);
        return header == null || header.value() == null
            ? null
            : new String(header.value(), StandardCharsets.UTF_8);
      };

  private final KafkaConfig config;
  private final BiFunction<PushMsg, Context, CompletableFuture<Void>> deliver;
  private final Tracing tracing;
  private final String spanName;
  private final Clock clock;
  private final ConsumerMetrics metrics;
  private final Assignment assignment = new Assignment();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final ConsumerStatus status;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running;
  private volatile Duration closeGrace = Duration.ZERO;
  private boolean closing;
  private OffsetCommits commits;
  private Thread thread;

  /**
   * @param deliver delivers one record; completes normally when its delivery has ended by policy,
   *     exceptionally when it must be delivered again by the partition's next owner
   */
  public KafkaPushConsumer(
      KafkaConfig config,
      Function<PushMsg, CompletableFuture<Void>> deliver,
      Clock clock,
      MeterRegistry meters) {
    this(config, (msg, trace) -> deliver.apply(msg), clock, meters, Tracing.off());
  }

  /**
   * @param deliver delivers one record under the trace context given with it (the record's {@code
   *     process <topic>} span); completes as above
   * @param tracing continues each record's trace from its headers
   */
  public KafkaPushConsumer(
      KafkaConfig config,
      BiFunction<PushMsg, Context, CompletableFuture<Void>> deliver,
      Clock clock,
      MeterRegistry meters,
      Tracing tracing) {
    this.config = config;
    this.deliver = deliver;
    this.tracing = tracing;
    this.spanName = "process " + config.topic();
    this.clock = clock;
    this.metrics = new ConsumerMetrics(meters);
    this.status = new ConsumerStatus(clock, ConsumerProperties.maxPollIntervalMillis(config));
  }

  /** Creates the consumer and starts reading on a thread of its own. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    consumer = new KafkaConsumer<>(ConsumerProperties.of(config));
    commits = new OffsetCommits(consumer, assignment, metrics, clock, config.commitInterval());
    status.moved(ConsumerState.JOINING);
    running = true;
    thread = new Thread(this::run, "herald-job-consumer");
    thread.setDaemon(true);
    thread.start();
    log.info(
        "Consuming pushes from Kafka topic {} at {} as group {}, {}",
        config.topic(),
        config.bootstrapServers(),
        config.groupId(),
        config.instanceId().isEmpty()
            ? "a dynamic member"
            : "static member " + config.instanceId());
  }

  /** Where the consumer is: what {@code /health} reports. */
  public ConsumerState state() {
    return status.state();
  }

  /** Partitions assigned to this consumer now. */
  public int partitions() {
    return (int) metrics.assigned.get();
  }

  /**
   * False when restarting the process is what it needs: the consumer failed, or its loop has not
   * come round for {@code max.poll.interval.ms} (by then Kafka has given its partitions away).
   */
  public boolean live() {
    return status.live();
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
      commits.startInterval();
      while (running) {
        status.looped();
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
        commits.commitIfDue();
        measure();
      }
      close(kafka);
      status.moved(ConsumerState.STOPPED);
    } catch (RuntimeException e) {
      if (fenced(e)) {
        metrics.fenced.increment();
        log.error(
            "Another consumer joined group {} with this Job's instance id {} and took its place"
                + " and partitions: this Job stopped consuming. Give every Job of the group its"
                + " own kafka.instanceId (JOB_KAFKA_INSTANCEID), or leave it empty for"
                + " <host name>-<server.port>",
            config.groupId(),
            config.instanceId());
        // Its place in the group is the other consumer's now: leave nothing, just close.
        abandon(kafka, GroupMembershipOperation.REMAIN_IN_GROUP, e);
        status.moved(ConsumerState.FENCED); // after closing, which reports the partitions lost
      } else {
        metrics.failed.increment();
        log.error("The Kafka consumer failed; records not committed will be delivered again", e);
        abandon(kafka, GroupMembershipOperation.LEAVE_GROUP, e);
        status.moved(ConsumerState.FAILED);
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
    Context parent = tracing.extract(record.headers(), TRACE_HEADERS);
    Span span = tracing.start(spanName, SpanKind.CONSUMER, parent);
    CompletableFuture<Void> delivery;
    try {
      delivery = deliver.apply(msg, span.getSpanContext().isValid() ? parent.with(span) : parent);
    } catch (RuntimeException e) {
      delivery = CompletableFuture.failedFuture(e);
    }
    if (span.isRecording()) {
      traced(span, record, msg, delivery);
    }
    assignment.taken(partition, record.offset(), delivery);
  }

  /** The record's span: what it is, and ended when its delivery has. */
  private static void traced(
      Span span,
      ConsumerRecord<byte[], byte[]> record,
      PushMsg msg,
      CompletableFuture<Void> delivery) {
    span.setAttribute("messaging.system", "kafka");
    span.setAttribute("messaging.operation.type", "process");
    span.setAttribute("messaging.destination.name", record.topic());
    span.setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()));
    span.setAttribute("messaging.kafka.offset", record.offset());
    span.setAttribute(PushAttributes.TYPE, PushAttributes.type(msg.getType()));
    span.setAttribute(PushAttributes.OP, msg.getOp());
    span.setAttribute(PushAttributes.MESSAGE_ID, msg.getMessageId());
    if (!msg.getServerId().isEmpty()) {
      span.setAttribute(PushAttributes.SERVER_ID, msg.getServerId());
    }
    if (!msg.getRoom().isEmpty()) {
      span.setAttribute(PushAttributes.ROOM, msg.getRoom());
    }
    var unused =
        delivery.whenComplete(
            (ok, e) -> {
              if (e != null) {
                span.setStatus(
                    StatusCode.ERROR, "not delivered: its partition's next owner delivers it");
              }
              span.end();
            });
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

  /**
   * A planned stop: waits for the deliveries under way, commits, and leaves the group, so that the
   * other members take the partitions over at once. A static member does not leave by default (it
   * would be expected back within its session); this one does, because a Job being stopped may not
   * come back (scaled down, moved to another host under another name).
   */
  private void close(KafkaConsumer<byte[], byte[]> kafka) {
    assignment.awaitDeliveries(assignment.partitions(), closeGrace);
    commits.commitSync(assignment.partitions());
    closing = true;
    release(assignment.partitions());
    kafka.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
    log.info("Kafka consumer of {} closed; left group {}", config.topic(), config.groupId());
  }

  /** After a failure: gives up the partitions without committing, and closes. */
  private void abandon(
      KafkaConsumer<byte[], byte[]> kafka, GroupMembershipOperation membership, Exception e) {
    closing = true;
    release(assignment.partitions());
    try {
      kafka.close(
          CloseOptions.groupMembershipOperation(membership).withTimeout(FAILED_CLOSE_TIMEOUT));
    } catch (RuntimeException closingFailed) {
      e.addSuppressed(closingFailed);
    }
  }

  /** Whether {@code e} (or what caused it: a rebalance callback's failure) is a fencing. */
  static boolean fenced(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof FencedInstanceIdException) {
        return true;
      }
    }
    return false;
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // Called after every rebalance this member took part in, even with nothing new for it.
      assignment.assigned(partitions);
      metrics.assigned.set(assignment.partitions().size());
      status.moved(ConsumerState.CONSUMING);
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
      commits.commitSync(partitions);
      release(partitions);
      log.info("Revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (!closing) {
        status.moved(ConsumerState.JOINING); // out of the group until it joins again
      }
      release(partitions);
      log.warn("Lost {} without committing; their records will be delivered again", partitions);
    }
  }
}
