package io.herald.ops.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With an SDK: what a span of work for several pushes (a room batch) belongs to. */
class TracingSdkTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final Tracing tracing = Tracing.of(sdk);

  @AfterEach
  void close() {
    sdk.close();
  }

  @Test
  void aBatchOfOnePushIsThatPushsChild() {
    Span push = tracing.start("process", SpanKind.CONSUMER, Context.root());
    tracing.startFor("batch", SpanKind.CLIENT, List.of(Context.root().with(push))).end();

    SpanData batch = spans.getFinishedSpanItems().get(0);
    assertThat(batch.getTraceId()).isEqualTo(push.getSpanContext().getTraceId());
    assertThat(batch.getParentSpanId()).isEqualTo(push.getSpanContext().getSpanId());
    assertThat(batch.getLinks()).isEmpty();
  }

  @Test
  void aBatchOfSeveralPushesIsANewTraceLinkedToEach() {
    Span first = tracing.start("process", SpanKind.CONSUMER, Context.root());
    Span second = tracing.start("process", SpanKind.CONSUMER, Context.root());
    tracing
        .startFor(
            "batch",
            SpanKind.CLIENT,
            List.of(Context.root().with(first), Context.root().with(second)))
        .end();

    SpanData batch = spans.getFinishedSpanItems().get(0);
    assertThat(batch.getParentSpanContext().isValid()).isFalse();
    assertThat(batch.getTraceId())
        .isNotIn(first.getSpanContext().getTraceId(), second.getSpanContext().getTraceId());
    assertThat(batch.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(first.getSpanContext(), second.getSpanContext());
  }

  @Test
  void aSpanWithoutAnyTraceIsARoot() {
    tracing.startFor("batch", SpanKind.CLIENT, List.<Context>of()).end();

    SpanContext parent = spans.getFinishedSpanItems().get(0).getParentSpanContext();
    assertThat(parent.isValid()).isFalse();
  }
}
