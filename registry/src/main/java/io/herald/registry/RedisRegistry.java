package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry in Redis, shared by every process: one record per Comet with a TTL, and an index set
 * of server ids (layout in {@link RedisKeys}). Works on a single server, Sentinel or a cluster (all
 * keys share one slot).
 *
 * <p>Writes are asynchronous. A register sends {@code SET record PX ttl} then {@code SADD index}
 * back to back on one connection (pipelined, no MULTI): Redis runs them in that order, so a reader
 * that finds an id in the index finds its record unless it has expired or been deleted.
 *
 * <p>Readers poll every {@code pollInterval} on a thread of their own ({@code SMEMBERS}, then one
 * {@code MGET}) and publish a fresh snapshot; {@link #nodes()} only reads the last one. A record
 * that stops being renewed is gone from Redis after the TTL and from readers at their next poll.
 * While Redis is unreachable the last snapshot stays, and the view resumes when Redis returns.
 */
public final class RedisRegistry implements Registry {
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private final RegistryConfig.Redis config;
  private final RedisKeys keys;
  private final long ttlMillis;
  private final Duration pollInterval;
  private final Clock clock;
  private final SnapshotPublisher publisher;
  private final RedisPoll poll;
  private Lifecycle lifecycle = Lifecycle.NEW;
  private RedisURI uri;
  private ClientResources resources;
  private RedisClient client;
  private CompletableFuture<StatefulRedisConnection<String, byte[]>> connection;
  private ScheduledExecutorService poller;

  public RedisRegistry(
      RegistryConfig.Redis config,
      Duration ttl,
      Duration pollInterval,
      Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.keys = new RedisKeys(config.keyPrefix());
    this.ttlMillis = ttl.toMillis();
    this.pollInterval = pollInterval;
    this.clock = clock;
    this.publisher = new SnapshotPublisher(meters);
    this.poll = new RedisPoll(keys, publisher, config.timeout(), meters);
  }

  @Override
  public synchronized void start() {
    if (lifecycle != Lifecycle.NEW) {
      return;
    }
    lifecycle = Lifecycle.STARTED;
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
    poller =
        Executors.newSingleThreadScheduledExecutor(Lifecycle.daemonThreads("herald-registry-poll"));
    var unused =
        poller.scheduleWithFixedDelay(
            () -> poll.run(this::commands), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    synchronized (this) {
      boolean running = lifecycle == Lifecycle.STARTED;
      lifecycle = Lifecycle.STOPPED;
      if (!running) {
        return;
      }
      poller.shutdownNow();
    }
    long timeoutMillis = config.timeout().toMillis();
    closeConnection(timeoutMillis);
    client.shutdown(Duration.ZERO, config.timeout());
    resources
        .shutdown(0, timeoutMillis, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(2 * timeoutMillis);
    publisher.close();
  }

  /**
   * Closes the connection, waiting out a connect still in flight (one that lands after the client
   * shut down would otherwise hold its channel, and Lettuce's buffers, until the event loops die).
   */
  private void closeConnection(long timeoutMillis) {
    CompletableFuture<StatefulRedisConnection<String, byte[]>> last;
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

  @Override
  public CompletableFuture<Void> ready() {
    return poll.ready();
  }

  @Override
  public CompletableFuture<Void> register(CometNode node) {
    String id = node.getServerId();
    byte[] record = node.toBuilder().setLastRenewUnixMs(clock.millis()).build().toByteArray();
    return commands(id)
        .thenCompose(
            redis -> {
              CompletableFuture<?> set =
                  redis
                      .set(keys.node(id), record, SetArgs.Builder.px(ttlMillis))
                      .toCompletableFuture();
              CompletableFuture<?> add =
                  redis.sadd(keys.index(), RedisKeys.member(id)).toCompletableFuture();
              return CompletableFuture.allOf(set, add);
            });
  }

  @Override
  public CompletableFuture<Void> deregister(String serverId) {
    return commands(serverId)
        .thenCompose(
            redis -> {
              CompletableFuture<?> remove =
                  redis.srem(keys.index(), RedisKeys.member(serverId)).toCompletableFuture();
              CompletableFuture<?> delete = redis.del(keys.node(serverId)).toCompletableFuture();
              return CompletableFuture.allOf(remove, delete);
            });
  }

  @Override
  public List<CometNode> nodes() {
    return publisher.current().nodes();
  }

  @Override
  public Optional<CometNode> node(String serverId) {
    return Optional.ofNullable(publisher.current().byId().get(serverId));
  }

  @Override
  public void addListener(RegistryListener listener) {
    publisher.addListener(listener);
  }

  @Override
  public void removeListener(RegistryListener listener) {
    publisher.removeListener(listener);
  }

  private CompletableFuture<RedisAsyncCommands<String, byte[]>> commands(String serverId) {
    RuntimeException refusal;
    synchronized (this) {
      refusal = lifecycle.refuseWrite(serverId);
    }
    return refusal != null ? CompletableFuture.failedFuture(refusal) : commands();
  }

  /**
   * The connection's commands, reconnecting first if the last attempt to connect failed or the
   * connection was lost (each reconnect is a fresh connection with fresh handlers).
   */
  private synchronized CompletableFuture<RedisAsyncCommands<String, byte[]>> commands() {
    if (lifecycle != Lifecycle.STARTED) {
      return CompletableFuture.failedFuture(new IllegalStateException("registry stopped"));
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
   * Few threads (the registry sends a handful of commands a second), and reconnect attempts at most
   * {@link #MAX_RECONNECT_DELAY} apart: Lettuce's default backs off to 30 s, as long as a record's
   * default TTL, so a Comet could lose its record after Redis came back.
   */
  private static ClientResources resources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
        .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
        .reconnectDelay(
            Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  private CompletableFuture<StatefulRedisConnection<String, byte[]>> connect() {
    return client.connectAsync(CODEC, uri).toCompletableFuture();
  }
}
