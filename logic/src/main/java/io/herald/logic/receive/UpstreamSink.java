package io.herald.logic.receive;

import java.util.concurrent.CompletableFuture;

/**
 * Where Logic hands upstream client messages: a log, a Kafka topic business consumers read, or a
 * webhook. Completes once the sink has taken the message; a failure goes back to the Comet, so the
 * client learns its message was not taken.
 */
public interface UpstreamSink extends AutoCloseable {
  CompletableFuture<Void> accept(UpstreamMessage message);

  @Override
  default void close() {}
}
