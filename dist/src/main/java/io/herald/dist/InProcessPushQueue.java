package io.herald.dist;

import io.herald.job.dispatch.Dispatcher;
import io.herald.logic.queue.PushQueue;
import io.herald.logic.queue.QueueUnavailableException;
import io.herald.proto.queue.v1.PushMsg;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's place in {@code herald standalone}: Logic's pushes go straight to Job's {@link
 * Dispatcher} in the same process. A push is accepted once the dispatcher has it; at most {@code
 * capacity} may be accepted and not yet delivered (or given up), and a push beyond that is refused
 * with {@link QueueUnavailableException} (Logic answers it as unavailable), so memory stays bounded
 * when Comets are slow. Accepted pushes live in memory only: a crash loses them.
 */
final class InProcessPushQueue implements PushQueue {
  private static final Logger log = LoggerFactory.getLogger(InProcessPushQueue.class);

  private final Dispatcher dispatcher;
  private final int capacity;
  private final Semaphore room;
  private final Counter refused;

  InProcessPushQueue(Dispatcher dispatcher, int capacity, MeterRegistry meters) {
    this.dispatcher = dispatcher;
    this.capacity = capacity;
    this.room = new Semaphore(capacity);
    this.refused =
        Counter.builder("herald.standalone.queue.refused")
            .description("Pushes refused because the in-process queue was full")
            .register(meters);
    Gauge.builder("herald.standalone.queue.pending", room, r -> capacity - r.availablePermits())
        .description("Pushes accepted and not yet delivered by the in-process queue")
        .register(meters);
  }

  @Override
  public CompletableFuture<Void> publish(PushMsg msg) {
    return publish(msg, Context.root());
  }

  /** Hands the record to the dispatcher with its trace context (no headers in between). */
  @Override
  public CompletableFuture<Void> publish(PushMsg msg, Context trace) {
    if (!room.tryAcquire()) {
      refused.increment();
      return CompletableFuture.failedFuture(
          new QueueUnavailableException(
              "the in-process queue holds " + capacity + " undelivered pushes; try again later"));
    }
    CompletableFuture<Void> delivered;
    try {
      delivered = dispatcher.dispatch(msg, trace);
    } catch (RuntimeException e) {
      room.release();
      return CompletableFuture.failedFuture(new QueueUnavailableException("dispatcher: " + e, e));
    }
    var unused =
        delivered.whenComplete(
            (ok, error) -> {
              room.release();
              if (error != null) {
                log.debug("Push not delivered: {}", error.toString());
              }
            });
    return CompletableFuture.completedFuture(null);
  }
}
