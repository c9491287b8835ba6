package io.herald.logic.api;

import com.linecorp.armeria.common.HttpHeaders;
import io.herald.logic.Failures;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The server span of one push request, HTTP or gRPC: a child of the trace context in the request's
 * headers ({@code traceparent}, {@code tracestate}; gRPC metadata are HTTP/2 headers on Armeria),
 * or a new trace's root when there is none. The push runs with it current, so the records it
 * publishes carry it to Job ({@link io.herald.logic.push.PushService}).
 */
final class PushSpans {
  private static final TextMapGetter<HttpHeaders> HEADERS =
      (headers, key) -> headers == null ? null : headers.get(key);

  private final Tracing tracing;

  PushSpans(Tracing tracing) {
    this.tracing = tracing;
  }

  /** Starts the span {@code name} of a push request with {@code headers}. */
  Span start(String name, HttpHeaders headers, String api) {
    Span span = tracing.start(name, SpanKind.SERVER, tracing.extract(headers, HEADERS));
    if (span.isRecording()) {
      span.setAttribute("herald.push.api", api);
    }
    return span;
  }

  /**
   * Runs {@code push} with {@code span} current and ends the span when the push has ended (with an
   * error status saying why when it failed).
   */
  <T> CompletableFuture<T> run(Span span, Supplier<CompletableFuture<T>> push) {
    CompletableFuture<T> pushed;
    try (Scope current = span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop()) {
      pushed = push.get();
    } catch (RuntimeException e) {
      pushed = CompletableFuture.failedFuture(e);
    }
    return pushed.whenComplete(
        (ok, e) -> {
          if (e != null) {
            span.setStatus(StatusCode.ERROR, Failures.reason(e));
          }
          span.end();
        });
  }

  /** Records the push's message id on its span. */
  static void messageId(Span span, long messageId) {
    span.setAttribute(PushAttributes.MESSAGE_ID, messageId);
  }
}
