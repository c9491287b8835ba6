package io.herald.logic.push;

import io.herald.proto.queue.v1.PushMsg;
import java.util.concurrent.CompletableFuture;

/**
 * Where Logic puts pushes for Job: Kafka ({@link KafkaPushQueue}) in production, an in-process
 * queue in standalone mode. Records of one target (see {@link PushRecords#key(PushMsg)}) stay in
 * the order they were published.
 */
public interface PushQueue {

  /**
   * Publishes one record. The future completes normally only once the queue durably holds it (for
   * Kafka: acknowledged by every in-sync replica), and exceptionally with a {@link
   * PushUnavailableException} giving the reason otherwise; it never hangs. Never blocks the caller.
   */
  CompletableFuture<Void> publish(PushMsg msg);
}
