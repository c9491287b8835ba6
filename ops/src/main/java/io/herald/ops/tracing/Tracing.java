package io.herald.ops.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Objects;

/**
 * What a Herald server traces with: one {@link Tracer} and the propagator that reads and writes
 * trace context in headers (HTTP, gRPC metadata, Kafka record headers). Given to a server through
 * its constructor, never taken from a global.
 *
 * <p>{@link #off()} is the default: the OpenTelemetry API without an SDK, so no span is recorded or
 * exported, but W3C trace context ({@code traceparent}, {@code tracestate}) still passes through: a
 * span started under an incoming context is a non-recording span that keeps the incoming trace and
 * span id, and that is what goes out in the next hop's headers. A push without trace context gets
 * none and no header is added anywhere. {@link #of(OpenTelemetry)} takes an SDK (the launcher
 * configures one from {@code OTEL_*} variables) and its propagators.
 *
 * <p>Thread-safe; costs nothing to hold.
 */
public final class Tracing {
  /** The instrumentation scope of every Herald span. */
  public static final String SCOPE = "io.herald";

  private static final Tracing OFF =
      new Tracing(
          OpenTelemetry.propagating(
              ContextPropagators.create(W3CTraceContextPropagator.getInstance())),
          true);

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean off;

  private Tracing(OpenTelemetry openTelemetry, boolean off) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.off = off;
  }

  /** No SDK: nothing recorded, W3C trace context passed through. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Spans from {@code openTelemetry}'s tracer provider, context through its propagators (with an
   * SDK configured by {@code OTEL_PROPAGATORS}: W3C trace context and baggage by default).
   */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(Objects.requireNonNull(openTelemetry, "openTelemetry"), false);
  }

  /** The fields the propagator reads and writes ({@code traceparent}, {@code tracestate}, ...). */
  public List<String> fields() {
    return List.copyOf(propagator.fields());
  }

  /**
   * The trace context {@code carrier} holds, on top of the root context; {@link Context#root()}
   * itself (the same instance) when it holds none.
   */
  public <C> Context extract(C carrier, TextMapGetter<C> getter) {
    return propagator.extract(Context.root(), carrier, getter);
  }

  /**
   * Writes {@code context}'s trace context into {@code carrier}; writes nothing when {@code
   * context} carries none (a push without trace context adds no header).
   */
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context != Context.root()) {
      propagator.inject(context, carrier, setter);
    }
  }

  /**
   * A new span named {@code name} of {@code kind}, child of {@code parent}'s span (a root span when
   * {@code parent} has none). Add attributes with {@link Span#isRecording()} checked when computing
   * them costs anything.
   */
  public Span start(String name, SpanKind kind, Context parent) {
    if (off) {
      // What the API's no-op tracer returns (the parent's context, not recording), without
      // building anything: a push's hops then cost nothing when tracing is off.
      return Span.fromContext(parent);
    }
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
  }

  /**
   * A new span for work done for several pushes at once (a room batch): with no trace context among
   * {@code traces}, a root span; with one, its child, so a batch of one push stays in that push's
   * trace; with several, a new trace's root linked to each (a span has one parent).
   */
  public Span startFor(String name, SpanKind kind, List<Context> traces) {
    if (traces.isEmpty()) {
      return start(name, kind, Context.root());
    }
    if (traces.size() == 1) {
      return start(name, kind, traces.get(0));
    }
    if (off) {
      return Span.getInvalid(); // a new root span, which records nothing and carries nothing
    }
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setNoParent();
    for (Context trace : traces) {
      SpanContext link = Span.fromContext(trace).getSpanContext();
      if (link.isValid()) {
        builder.addLink(link);
      }
    }
    return builder.startSpan();
  }

  /** The tracer, for spans the helpers above do not cover. */
  public Tracer tracer() {
    return tracer;
  }
}
