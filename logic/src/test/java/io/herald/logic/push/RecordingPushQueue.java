package io.herald.logic.push;

import io.herald.logic.queue.PushQueue;
import io.herald.logic.queue.QueueUnavailableException;
import io.herald.proto.queue.v1.PushMsg;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A push queue for unit tests: keeps what is published; refuses the records a test picks. */
final class RecordingPushQueue implements PushQueue {
  final List<PushMsg> published = new CopyOnWriteArrayList<>();
  private volatile Predicate<PushMsg> refused = msg -> false;

  /** From now on, records matching {@code which} fail with "broker said no". */
  void refuse(Predicate<PushMsg> which) {
    this.refused = which;
  }

  @Override
  public CompletableFuture<Void> publish(PushMsg msg) {
    if (refused.test(msg)) {
      return CompletableFuture.failedFuture(new QueueUnavailableException("broker said no"));
    }
    published.add(msg);
    return CompletableFuture.completedFuture(null);
  }
}
