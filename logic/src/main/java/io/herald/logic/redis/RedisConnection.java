package io.herald.logic.redis;

import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisLink;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One Lettuce connection to the session Redis (single, Sentinel-managed or a Redis Cluster: {@code
 * store.redis.mode}), shared by the session store, the online store and the room index (and the
 * store's incarnation check). Commands are pipelined: callers send several back to back without
 * waiting, and Redis runs them in order. Each command is bounded by the configured timeout, and
 * fails at once while Redis is unreachable (the caller decides whether to retry); the connection
 * comes back on its own.
 *
 * <p>{@link #start()} and {@link #stop()} are idempotent; the constructor does no I/O.
 */
public final class RedisConnection {
  private final RedisLink<String, String> link;
  private final RedisLatency latency;

  public RedisConnection(RedisEndpoint config, MeterRegistry meters) {
    this.link = new RedisLink<>(config, StringCodec.UTF8);
    this.latency = new RedisLatency(meters);
  }

  /** The key prefix every store's keys start with. */
  public String keyPrefix() {
    return link.endpoint().keyPrefix();
  }

  public void start() {
    link.start();
  }

  public void stop() {
    link.stop();
  }

  /**
   * Runs {@code call} on the connection and records its latency as {@code
   * herald.logic.redis.latency{op,result}}. Fails if the connection is not started.
   */
  public <T> CompletableFuture<T> run(
      RedisOp op, Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> call) {
    long start = System.nanoTime();
    CompletableFuture<T> result = link.commands().thenCompose(call);
    return result.whenComplete((value, error) -> latency.record(op, error, start));
  }
}
