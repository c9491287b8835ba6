package io.herald.job.lanes;

import com.google.common.util.concurrent.ListenableFuture;
import io.herald.proto.comet.v1.CometGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One call to one Comet, with its attempts: sent through that Comet's {@link CometLanes lane}, and
 * completed with the {@link Outcome} it ended with.
 */
public final class CometCall {
  final CallKind kind;
  final String serverId;
  final Function<CometGrpc.CometFutureStub, ListenableFuture<?>> send;
  final long acceptUnixMs;
  final BooleanSupplier abandoned;
  final CompletableFuture<Outcome> done = new CompletableFuture<>();
  int failures;
  long firstFailureMillis;

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
    this.kind = kind;
    this.serverId = serverId;
    this.send = send;
    this.acceptUnixMs = acceptUnixMs;
    this.abandoned = abandoned;
  }
}
