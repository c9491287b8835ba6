package io.herald.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lettuce connection to a {@link RedisEndpoint}, with its own small client resources (a handful
 * of commands a second needs few threads). The constructor does no I/O; {@link #start()} begins
 * connecting without waiting, so a service may start before Redis is up; {@link #stop()} closes it.
 *
 * <p>It reconnects itself: when the connection failed or was lost, the next {@link #commands()}
 * opens a fresh one. Lettuce's auto-reconnect is off because it reuses one {@code CommandHandler}
 * for the old and the new channel, which can orphan that handler's read buffer (a Netty leak).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class RedisLink<K, V> {
  private enum State {
    NEW,
    STARTED,
    STOPPED
  }

  private final RedisEndpoint endpoint;
  private final RedisCodec<K, V> codec;
  private State state = State.NEW;
  private RedisURI uri;
  private ClientResources resources;
  private RedisClient client;
  private CompletableFuture<StatefulRedisConnection<K, V>> connection;

  public RedisLink(RedisEndpoint endpoint, RedisCodec<K, V> codec) {
    this.endpoint = endpoint;
    this.codec = codec;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /** Starts connecting (idempotent). */
  public synchronized void start() {
    if (state != State.NEW) {
      return;
    }
    state = State.STARTED;
    uri = RedisURI.create(endpoint.uri());
    uri.setTimeout(endpoint.timeout());
    resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
            .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
            .build();
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(endpoint.timeout()))
            .socketOptions(SocketOptions.builder().connectTimeout(endpoint.timeout()).build())
            .build());
    connection = connect();
  }

  /**
   * The connection's commands, reconnecting first if the last attempt failed or the connection was
   * lost. Fails with {@link IllegalStateException} before {@link #start()} and after {@link
   * #stop()}.
   */
  public synchronized CompletableFuture<RedisAsyncCommands<K, V>> commands() {
    if (state != State.STARTED) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(state == State.NEW ? "redis not started" : "redis stopped"));
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
   * Closes the connection and the client (idempotent). A connect still in flight is waited out and
   * closed: one landing after the client shut down would hold its channel, and Lettuce's buffers,
   * until the event loops died.
   */
  public void stop() {
    CompletableFuture<StatefulRedisConnection<K, V>> last;
    synchronized (this) {
      boolean running = state == State.STARTED;
      state = State.STOPPED;
      if (!running) {
        return;
      }
      last = connection;
    }
    long timeoutMillis = endpoint.timeout().toMillis();
    try {
      last.get(timeoutMillis, TimeUnit.MILLISECONDS).close();
    } catch (ExecutionException | TimeoutException e) {
      // Never connected (or still not): nothing to close; the client's shutdown covers the rest.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown(Duration.ZERO, endpoint.timeout());
    resources
        .shutdown(0, timeoutMillis, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(2 * timeoutMillis);
  }

  private CompletableFuture<StatefulRedisConnection<K, V>> connect() {
    return client.connectAsync(codec, uri).toCompletableFuture();
  }
}
