package io.herald.ops.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without an SDK ({@link Tracing#off()}) nothing is recorded, yet an incoming W3C trace context
 * goes out unchanged at the next hop, and a push without one adds no header anywhere.
 */
class TracingTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static final TextMapGetter<Map<String, String>> GET =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private static final TextMapSetter<Map<String, String>> SET = Map::put;

  private final Tracing tracing = Tracing.off();

  @Test
  void offPassesTheIncomingTraceContextThroughANonRecordingSpan() {
    Context incoming =
        tracing.extract(Map.of("traceparent", TRACEPARENT, "tracestate", "a=1"), GET);
    Span span = tracing.start("push", SpanKind.SERVER, incoming);

    assertThat(span.isRecording()).isFalse();
    Map<String, String> out = new HashMap<>();
    tracing.inject(incoming.with(span), out, SET);
    assertThat(out).containsEntry("traceparent", TRACEPARENT).containsEntry("tracestate", "a=1");
  }

  @Test
  void offWithoutTraceContextWritesNoHeader() {
    Context incoming = tracing.extract(Map.of("content-type", "text/plain"), GET);
    assertThat(incoming).isSameAs(Context.root());
    Span span = tracing.start("push", SpanKind.SERVER, incoming);

    assertThat(span.getSpanContext().isValid()).isFalse();
    Map<String, String> out = new HashMap<>();
    tracing.inject(incoming.with(span), out, SET);
    tracing.inject(Context.root(), out, SET);
    assertThat(out).isEmpty();
  }

  @Test
  void aBatchOfOnePushStaysInItsTraceAndOfSeveralIsLinkedOff() {
    Context one = tracing.extract(Map.of("traceparent", TRACEPARENT), GET);
    Context other =
        tracing.extract(
            Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), GET);

    Span single = tracing.startFor("batch", SpanKind.CLIENT, List.of(one));
    assertThat(single.getSpanContext()).isEqualTo(Span.fromContext(one).getSpanContext());
    // Without an SDK a linked root span records nothing and carries no context onwards.
    Span several = tracing.startFor("batch", SpanKind.CLIENT, List.of(one, other));
    assertThat(several.getSpanContext().isValid()).isFalse();
  }

  @Test
  void attributeTypesAreShortNames() {
    enum PushType {
      PUSH_TYPE_KEYS,
      PUSH_TYPE_BROADCAST
    }
    assertThat(PushAttributes.type(PushType.PUSH_TYPE_KEYS)).isEqualTo("keys");
    assertThat(PushAttributes.type(PushType.PUSH_TYPE_BROADCAST)).isEqualTo("broadcast");
  }
}
