package io.herald.logic.queue;

import io.herald.logic.Failures;
import io.herald.logic.kafka.KafkaProducerConfig;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.queue.v1.PushMsg;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes pushes to a Kafka topic with an idempotent producer ({@code acks=all}): a record counts
 * as queued only once every in-sync replica has it. Key: {@link PushQueue#key(PushMsg)}, so one
 * target's records land in one partition, in order; value: the PushMsg's protobuf bytes.
 *
 * <p>{@code KafkaProducer.send} may block while it waits for topic metadata (a broker that is
 * down); sends therefore run on one thread of this queue's own, in publish order, never on the
 * caller's. Kafka fails a record it could not deliver within {@code maxBlock + deliveryTimeout}; as
 * a backstop (a record stuck behind others waiting for metadata), a publish also fails one second
 * after that. A dead broker never hangs a push, and every failure carries its reason. Meter: {@code
 * herald.logic.kafka.latency{result=ok|error}}, from publish to acknowledgement.
 *
 * <p><b>Tracing.</b> A record published under a trace context gets a {@code send <topic>} producer
 * span, from publish to acknowledgement, and carries that span's context in its headers ({@code
 * traceparent}, {@code tracestate}) for Job; a record published without one gets no header.
 *
 * <p>The constructor does no I/O; {@link #start()} creates the producer and {@link #stop()} flushes
 * and closes it. Both are idempotent.
 */
public final class KafkaPushQueue implements PushQueue {
  private static final Logger log = LoggerFactory.getLogger(KafkaPushQueue.class);

  /** Writes trace context into a record's headers (Job reads it with {@code KafkaPushConsumer}). */
  public static final TextMapSetter<Headers> TRACE_HEADERS =
      (headers, key, value) -> {
        if (headers != null) {
          headers.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8));
        }
      };

  private final KafkaProducerConfig config;
  private final MeterRegistry meters;
  private final Tracing tracing;
  private final String spanName;
  private final Timer acknowledged;
  private final Timer failed;
  private final Duration deadline;
  private volatile Producer<byte[], byte[]> producer;
  private volatile ExecutorService sender;

  public KafkaPushQueue(KafkaProducerConfig config, MeterRegistry meters) {
    this(config, meters, Tracing.off());
  }

  public KafkaPushQueue(KafkaProducerConfig config, MeterRegistry meters, Tracing tracing) {
    this.config = config;
    this.meters = meters;
    this.tracing = tracing;
    this.spanName = "send " + config.topic();
    this.acknowledged = latency(meters, "ok");
    this.failed = latency(meters, "error");
    this.deadline = config.maxBlock().plus(config.deliveryTimeout()).plusSeconds(1);
  }

  public synchronized void start() {
    if (producer != null) {
      return;
    }
    producer = new KafkaProducer<>(config.producerProperties());
    sender =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "herald-push-kafka-sender");
              thread.setDaemon(true);
              return thread;
            });
    log.info(
        "Publishing pushes to Kafka topic {} at {}", config.topic(), config.bootstrapServers());
  }

  /** Stops taking pushes, waits up to {@code deliveryTimeout} for those under way, closes. */
  public void stop() {
    stop(config.deliveryTimeout());
  }

  public synchronized void stop(Duration grace) {
    if (producer == null) {
      return;
    }
    ExecutorService stoppingSender = sender;
    Producer<byte[], byte[]> stoppingProducer = producer;
    sender = null;
    producer = null;
    stoppingSender.shutdown();
    try {
      if (!stoppingSender.awaitTermination(config.maxBlock().toMillis(), TimeUnit.MILLISECONDS)) {
        for (Runnable waiting : stoppingSender.shutdownNow()) {
          ((Send) waiting)
              .done()
              .completeExceptionally(new QueueUnavailableException("kafka: push queue stopped"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Waits for records in flight; those still unacknowledged after grace fail their pushes.
    stoppingProducer.close(grace);
  }

  @Override
  public CompletableFuture<Void> publish(PushMsg msg) {
    return publish(msg, Context.root());
  }

  @Override
  public CompletableFuture<Void> publish(PushMsg msg, Context trace) {
    Timer.Sample sample = Timer.start(meters);
    Span span = tracing.start(spanName, SpanKind.PRODUCER, trace);
    if (span.isRecording()) {
      span.setAttribute(PushAttributes.TYPE, PushAttributes.type(msg.getType()));
      span.setAttribute(PushAttributes.MESSAGE_ID, msg.getMessageId());
      if (!msg.getServerId().isEmpty()) {
        span.setAttribute(PushAttributes.SERVER_ID, msg.getServerId());
      }
      span.setAttribute("messaging.system", "kafka");
      span.setAttribute("messaging.operation.type", "send");
      span.setAttribute("messaging.destination.name", config.topic());
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    var unused =
        done.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete(
                (ok, e) -> {
                  sample.stop(e == null ? acknowledged : failed);
                  if (e != null) {
                    span.setStatus(StatusCode.ERROR, Failures.reason(e));
                  }
                  span.end();
                });
    ExecutorService running = sender;
    Producer<byte[], byte[]> target = producer;
    if (running == null || target == null) {
      done.completeExceptionally(new QueueUnavailableException("kafka: push queue not running"));
      return done.exceptionallyCompose(this::failure);
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            config.topic(), PushQueue.key(msg).getBytes(StandardCharsets.UTF_8), msg.toByteArray());
    if (span.getSpanContext().isValid()) {
      tracing.inject(trace.with(span), record.headers(), TRACE_HEADERS);
    }
    try {
      running.execute(new Send(target, record, done));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new QueueUnavailableException("kafka: push queue stopped", e));
    }
    return done.exceptionallyCompose(this::failure);
  }

  /** One record's send, on the sender thread. */
  private record Send(
      Producer<byte[], byte[]> producer,
      ProducerRecord<byte[], byte[]> toSend,
      CompletableFuture<Void> done)
      implements Runnable {
    @Override
    public void run() {
      if (done.isDone()) {
        return; // timed out while waiting for its turn: not sent after its push failed
      }
      try {
        var unused =
            producer.send(
                toSend,
                (metadata, e) -> {
                  if (e == null) {
                    done.complete(null);
                  } else {
                    done.completeExceptionally(e);
                  }
                });
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }
  }

  /** Every failure as a {@link QueueUnavailableException} saying why. */
  private CompletableFuture<Void> failure(Throwable e) {
    Throwable cause = Failures.cause(e);
    if (cause instanceof QueueUnavailableException) {
      return CompletableFuture.failedFuture(cause);
    }
    String reason =
        cause instanceof TimeoutException && cause.getMessage() == null
            ? "no acknowledgement within " + deadline.toMillis() + " ms"
            : Failures.reason(cause);
    return CompletableFuture.failedFuture(
        new QueueUnavailableException("kafka topic " + config.topic() + ": " + reason, cause));
  }

  private static Timer latency(MeterRegistry meters, String result) {
    return Timer.builder("herald.logic.kafka.latency")
        .description("From publishing a push record to Kafka's acknowledgement")
        .tag("result", result)
        .register(meters);
  }
}
