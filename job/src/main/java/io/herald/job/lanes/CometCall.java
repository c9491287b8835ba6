package io.herald.job.lanes;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One call to one Comet, with its attempts: sent through that Comet's {@link CometLanes lane}, and
 * completed with the {@link Outcome} it ended with. Traced as one client span from submission to
 * outcome, every attempt under it. A unicast push ({@link #push}) may go to its Comet together with
 * the pushes queued behind it, in one {@code PushMsgs} call.
 */
public final class CometCall {
  final CallKind kind;
  final String serverId;
  final Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send;
  final long acceptUnixMs;
  final BooleanSupplier abandoned;
  final List<Context> traces;

  /** The push of a {@link #push} call, which the lane may send in a {@code PushMsgs}; else null. */
  final PushMsgRequest push;

  /** Told the absent keys a {@link #push} call's Comet reported (when there are any). */
  final IntConsumer absentKeys;

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
    this.push = null;
    this.absentKeys = count -> {};
  }

  private CometCall(
      String serverId,
      PushMsgRequest push,
      long acceptUnixMs,
      BooleanSupplier abandoned,
      Context trace,
      IntConsumer absentKeys) {
    this.kind = CallKind.PUSH;
    this.serverId = serverId;
    this.send =
        stub ->
            Futures.transform(
                stub.pushMsg(push),
                reply -> {
                  if (reply.getAbsentKeysCount() > 0) {
                    absentKeys.accept(reply.getAbsentKeysCount());
                  }
                  return reply;
                },
                MoreExecutors.directExecutor());
    this.acceptUnixMs = acceptUnixMs;
    this.abandoned = abandoned;
    this.traces = trace == Context.root() ? List.of() : List.of(trace);
    this.push = push;
    this.absentKeys = absentKeys;
  }

  /**
   * A unicast push: one {@code PushMsg}, or one of the pushes of a {@code PushMsgs} when others are
   * queued for the same Comet; either way it ends with its own outcome (a push the Comet refuses is
   * {@link Outcome#REJECTED} alone), and {@code absentKeys} is told how many of its keys the Comet
   * did not hold, when some.
   */
  public static CometCall push(
      String serverId,
      PushMsgRequest push,
      long acceptUnixMs,
      BooleanSupplier abandoned,
      Context trace,
      IntConsumer absentKeys) {
    return new CometCall(serverId, push, acceptUnixMs, abandoned, trace, absentKeys);
  }
}
