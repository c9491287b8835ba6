package io.herald.bench.tracing;

import io.herald.job.kafka.KafkaPushConsumer;
import io.herald.logic.queue.KafkaPushQueue;
import io.herald.ops.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;

/**
 * What tracing adds to a push's hops when it is off ({@link Tracing#off()}, no SDK), replayed as
 * the roles do it: Logic's request span, its {@code send} span and the record's headers; Job's
 * {@code process} and Comet-call spans, made current around the call. {@code baseline*} builds the
 * same Kafka record without tracing. Run with {@code -prof gc} for the bytes allocated per push: a
 * push without trace context must add no header and next to nothing else.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingOffBenchmark {
  private static final String TOPIC = "herald-push";
  private static final byte[] KEY = "comet-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = new byte[64];

  private final Tracing tracing = Tracing.off();
  private final RecordHeaders noHeaders = new RecordHeaders();
  private final RecordHeaders traceparent = new RecordHeaders();

  public TracingOffBenchmark() {
    traceparent.add(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
  }

  @Benchmark
  public ProducerRecord<byte[], byte[]> baselineRecord() {
    return new ProducerRecord<>(TOPIC, KEY, VALUE);
  }

  /** Logic, a push without trace context: request span, send span, record. */
  @Benchmark
  public ProducerRecord<byte[], byte[]> logicNoContext() {
    return logic(noHeaders);
  }

  /** Logic, a push with a traceparent: the same, and the header written into the record. */
  @Benchmark
  public ProducerRecord<byte[], byte[]> logicTraceparent() {
    return logic(traceparent);
  }

  /** Job, a record without trace context: process span, Comet-call span made current. */
  @Benchmark
  public Span jobNoContext() {
    return job(noHeaders);
  }

  /** Job, a record with a traceparent. */
  @Benchmark
  public Span jobTraceparent() {
    return job(traceparent);
  }

  private ProducerRecord<byte[], byte[]> logic(Headers request) {
    Span server = tracing.start("POST /goim/push/keys", SpanKind.SERVER, incoming(request));
    Context trace;
    try (Scope current = server.getSpanContext().isValid() ? server.makeCurrent() : Scope.noop()) {
      trace = Context.current();
    }
    Span send = tracing.start("send " + TOPIC, SpanKind.PRODUCER, trace);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, KEY, VALUE);
    if (send.getSpanContext().isValid()) {
      tracing.inject(trace.with(send), record.headers(), KafkaPushQueue.TRACE_HEADERS);
    }
    send.end();
    server.end();
    return record;
  }

  private Span job(Headers record) {
    Context parent = incoming(record);
    Span process = tracing.start("process " + TOPIC, SpanKind.CONSUMER, parent);
    Context trace = process.getSpanContext().isValid() ? parent.with(process) : parent;
    Span call =
        tracing.startFor(
            "herald.comet.v1.Comet/PushMsg",
            SpanKind.CLIENT,
            trace == Context.root() ? List.of() : List.of(trace));
    try (Scope current = call.getSpanContext().isValid() ? call.makeCurrent() : Scope.noop()) {
      return Span.current();
    }
  }

  private Context incoming(Headers headers) {
    return tracing.extract(headers, KafkaPushConsumer.TRACE_HEADERS);
  }
}
