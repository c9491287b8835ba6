package io.herald.logic.queue;

import io.herald.proto.queue.v1.PushMsg;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;

/**
 * Where Logic puts pushes for Job: Kafka ({@link KafkaPushQueue}) in production, an in-process
 * queue in standalone mode. Records of one target (those of one {@link #key(PushMsg)}) stay in the
 * order they were published.
 */
public interface PushQueue {

  /**
   * Publishes one record. The future completes normally only once the queue durably holds it (for
   * Kafka: acknowledged by every in-sync replica), and exceptionally with a {@link
   * QueueUnavailableException} giving the reason otherwise; it never hangs. Never blocks the
   * caller.
   */
  CompletableFuture<Void> publish(PushMsg msg);

  /**
   * Publishes one record as {@link #publish(PushMsg)}, carrying {@code trace}'s trace context to
   * whoever delivers it (Kafka: in the record's headers). A queue that cannot carry it publishes
   * the record alone.
   */
  default CompletableFuture<Void> publish(PushMsg msg, Context trace) {
    return publish(msg);
  }

  /**
   * The record's target, which keeps its records in order (the Kafka record key): {@code server_id}
   * for KEYS and MIDS, {@code room} for ROOM, the message id in decimal for BROADCAST (see {@code
   * push_msg.proto}).
   */
  static String key(PushMsg msg) {
    return switch (msg.getType()) {
      case PUSH_TYPE_KEYS, PUSH_TYPE_MIDS -> msg.getServerId();
      case PUSH_TYPE_ROOM -> msg.getRoom();
      case PUSH_TYPE_BROADCAST -> Long.toString(msg.getMessageId());
      default -> throw new IllegalArgumentException("type: " + msg.getType() + " (no record key)");
    };
  }
}
