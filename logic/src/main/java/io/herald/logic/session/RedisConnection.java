package io.herald.logic.session;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One Lettuce connection to the session Redis, shared by the session and online stores. Commands
 * are pipelined: callers send several back to back without waiting, and Redis runs them in order.
 * Each command is bounded by the configured timeout, and fails at once while Redis is unreachable
 * (the caller decides whether to retry); the connection comes back on its own.
 *
 * <p>{@link #start()} and {@link #stop()} are idempotent; the constructor does no I/O.
 */
public final class RedisConnection {
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private enum State {
    NEW,
    STARTED,
    STOPPED
  }

  private final StoreConfig.Redis config;
  private final RedisLatency latency;
  private State state = State.NEW;
  private RedisURI uri;
  private ClientResources resources;
  private RedisClient client;
  private CompletableFuture<StatefulRedisConnection<String, String>> connection;

  public RedisConnection(StoreConfig.Redis config, MeterRegistry meters) {
    this.config = config;
    this.latency = new RedisLatency(meters);
  }

  /** The key prefix every store's keys start with. */
  public String keyPrefix() {
    return config.keyPrefix();
  }

  public synchronized void start() {
    if (state != State.NEW) {
      return;
    }
    state = State.STARTED;
    uri = RedisURI.create(config.uri());
    uri.setTimeout(config.timeout());
    resources = resources();
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            // We reconnect ourselves (see commands()): Lettuce's auto-reconnect reuses one
            // CommandHandler for the old and the new channel, which can orphan its read buffer.
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
            .socketOptions(SocketOptions.builder().connectTimeout(config.timeout()).build())
            .build());
    connection = connect();
  }

  public void stop() {
    synchronized (this) {
      boolean running = state == State.STARTED;
      state = State.STOPPED;
      if (!running) {
        return;
      }
    }
    long timeoutMillis = config.timeout().toMillis();
    closeConnection(timeoutMillis);
    client.shutdown(Duration.ZERO, config.timeout());
    resources
        .shutdown(0, timeoutMillis, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(2 * timeoutMillis);
  }

  /**
   * Runs {@code call} on the connection and records its latency as {@code
   * herald.logic.redis.latency{op,result}}. Fails if the connection is not started.
   */
  public <T> CompletableFuture<T> run(
      RedisOp op, Function<RedisAsyncCommands<String, String>, CompletionStage<T>> call) {
    long start = System.nanoTime();
    CompletableFuture<T> result = commands().thenCompose(call);
    return result.whenComplete((value, error) -> latency.record(op, error, start));
  }

  /**
   * Closes the connection, waiting out a connect still in flight (one that lands after the client
   * shut down would otherwise hold its channel, and Lettuce's buffers, until the event loops die).
   */
  private void closeConnection(long timeoutMillis) {
    CompletableFuture<StatefulRedisConnection<String, String>> last;
    synchronized (this) {
      last = connection;
    }
    try {
      last.get(timeoutMillis, TimeUnit.MILLISECONDS).close();
    } catch (ExecutionException | TimeoutException e) {
      // Never connected (or still not): nothing to close; the client's shutdown covers the rest.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The connection's commands, reconnecting first if the last attempt to connect failed or the
   * connection was lost (each reconnect is a fresh connection with fresh handlers).
   */
  private synchronized CompletableFuture<RedisAsyncCommands<String, String>> commands() {
    String refusal =
        switch (state) {
          case NEW -> "redis not started";
          case STOPPED -> "redis stopped";
          case STARTED -> null;
        };
    if (refusal != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(refusal));
    }
    if (connection.isCompletedExceptionally()) {
      connection = connect();
    } else if (connection.isDone() && !connection.join().isOpen()) {
      var unused = connection.join().closeAsync();
      connection = connect();
    }
    return connection.thenApply(StatefulRedisConnection::async);
  }

  /**
   * Few threads (one connection), and reconnect attempts at most {@link #MAX_RECONNECT_DELAY}
   * apart: Lettuce's default backs off to 30 s, long enough for sessions to go unrenewed.
   */
  private static ClientResources resources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
        .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
        .reconnectDelay(
            Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
    return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
  }
}
