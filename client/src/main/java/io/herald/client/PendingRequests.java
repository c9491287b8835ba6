package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Requests of one connection waiting for their replies, by seq. A reply completes the request with
 * the same seq if its op is the one expected; a request unanswered within its timeout fails with a
 * {@link TimeoutException}; {@link #failAll} fails the rest when the connection closes. Confined to
 * the connection's event loop.
 */
final class PendingRequests {
  private record Pending(
      int replyOp, CompletableFuture<Message> future, ClientScheduler.Cancellable timeout) {}

  private final ClientScheduler scheduler;
  private final Map<Integer, Pending> bySeq = new HashMap<>();

  PendingRequests(ClientScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Registers a request sent with {@code seq}; its future completes with the reply. */
  CompletableFuture<Message> add(int seq, int op, int replyOp, Duration timeout) {
    CompletableFuture<Message> future = new CompletableFuture<>();
    ClientScheduler.Cancellable timer =
        scheduler.schedule(
            () -> {
              Pending pending = bySeq.get(seq);
              if (pending != null && pending.future() == future) {
                bySeq.remove(seq);
                future.completeExceptionally(
                    new TimeoutException(
                        "no "
                            + Op.name(replyOp)
                            + " for "
                            + Op.name(op)
                            + " seq "
                            + seq
                            + " within "
                            + timeout));
              }
            },
            timeout);
    Pending previous = bySeq.put(seq, new Pending(replyOp, future, timer));
    if (previous != null) {
      fail(previous, new IllegalStateException("seq " + seq + " reused"));
    }
    return future;
  }

  /** Completes the request {@code frame} answers; {@code false} if it answers none. */
  boolean complete(Frame frame) {
    Pending pending = bySeq.get(frame.seq());
    if (pending == null || pending.replyOp() != frame.op()) {
      return false;
    }
    bySeq.remove(frame.seq());
    pending.timeout().cancel();
    pending.future().complete(Message.of(frame));
    return true;
  }

  /** Fails every waiting request with {@code cause}. */
  void failAll(Throwable cause) {
    List<Pending> all = new ArrayList<>(bySeq.values());
    bySeq.clear();
    all.forEach(pending -> fail(pending, cause));
  }

  int size() {
    return bySeq.size();
  }

  private static void fail(Pending pending, Throwable cause) {
    pending.timeout().cancel();
    pending.future().completeExceptionally(cause);
  }
}
