package io.herald.job.lanes;

import com.google.common.util.concurrent.ListenableFuture;
import io.herald.proto.comet.v1.CometGrpc;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One call to one Comet, with its attempts: sent through that Comet's {@link CometLanes lane}, and
 * completed with the {@link Outcome} it ended with. Traced as one client span from submission to
 * outcome, every attempt under it.
 */
public final class CometCall {
  final CallKind kind;
  final String serverId;
  final Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send;
  final long acceptUnixMs;
  final BooleanSupplier abandoned;
  final List<Context> traces;
  final CompletableFuture<Outcome> done = new CompletableFuture<>();
  int failures;
  int attempts;
  long firstFailureMillis;
  Span span = Span.getInvalid();

  /**
   * @param send makes the call on a stub that already carries the deadline
   * @param acceptUnixMs when Logic accepted the (oldest) message, for the latency metric
   * @param abandoned whether nobody waits for the call any more (its records were given up)
   */
  public CometCall(
      CallKind kind,
      String serverId,
      Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send,
      long acceptUnixMs,
      BooleanSupplier abandoned) {
    this(kind, serverId, send, acceptUnixMs, abandoned, List.of());
  }

  /**
   * A call for one push, traced under {@code trace} (the record's span; {@link Context#root()} for
   * none).
   */
  public CometCall(
      CallKind kind,
      String serverId,
      Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send,
      long acceptUnixMs,
      BooleanSupplier abandoned,
      Context trace) {
    this(
        kind,
        serverId,
        send,
        acceptUnixMs,
        abandoned,
        trace == Context.root() ? List.of() : List.of(trace));
  }

  /**
   * A call for several pushes (a room batch), traced under the contexts of those that have one: its
   * span is the child of the only one, or linked to each of several ({@link
   * io.herald.ops.tracing.Tracing#startFor}).
   */
  public CometCall(
      CallKind kind,
      String serverId,
      Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send,
      long acceptUnixMs,
      BooleanSupplier abandoned,
      List<Context> traces) {
    this.kind = kind;
    this.serverId = serverId;
    this.send = send;
    this.acceptUnixMs = acceptUnixMs;
    this.abandoned = abandoned;
    this.traces = List.copyOf(traces);
  }
}
