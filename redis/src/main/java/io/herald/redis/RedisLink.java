package io.herald.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One Lettuce connection to a {@link RedisEndpoint} — a single Redis, the master a Sentinel names,
 * or a Redis Cluster — with its own small client resources (a handful of commands a second needs
 * few threads). The constructor does no I/O; {@link #start()} begins connecting without waiting, so
 * a service may start before Redis is up; {@link #stop()} closes it. Callers see the commands every
 * kind shares ({@link RedisClusterAsyncCommands}); on a cluster each command goes to the master of
 * its key's slot, so a command or script must keep its keys in one slot (hash tags).
 *
 * <p>A single Redis or Sentinel: the link reconnects itself: when the connection failed or was
 * lost, the next {@link #commands()} opens a fresh one (through the Sentinels, which name the
 * master they promoted after a failover). Lettuce's auto-reconnect is off there because it reuses
 * one {@code CommandHandler} for the old and the new channel, which can orphan that handler's read
 * buffer (a Netty leak).
 *
 * <p>A cluster: Lettuce's cluster client keeps one connection per node and reconnects them itself
 * (its topology refresh depends on it); it re-reads the cluster's layout every {@link
 * RedisEndpoint#topologyRefresh()} and at once (at most once a second) when a node answers MOVED or
 * ASK, a slot has no master, or a node stays unreachable, so after a failover commands go to the
 * promoted replica within about a refresh. A command for the slots of an unreachable master waits
 * for its node's connection and fails after the endpoint's timeout.
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

  /** Adaptive topology refreshes come at most this often (less if the periodic one is shorter). */
  private static final Duration ADAPTIVE_LIMIT = Duration.ofSeconds(1);

  /** A node that failed this many reconnects in a row triggers a topology refresh. */
  private static final int RECONNECTS_BEFORE_REFRESH = 3;

  /** Lettuce's switch for Netty's io_uring transport. */
  static final String LETTUCE_IO_URING = "io.lettuce.core.iouring";

  static {
    // Netty's io_uring transport is on the class path for the Comet's listen.transport; Lettuce
    // would find it and log a WARN at every client start that it keeps epoll. Redis links stay on
    // epoll (io_uring measured costlier here, docs/benchmarks.md) unless the operator sets it.
    if (System.getProperty(LETTUCE_IO_URING) == null) {
      System.setProperty(LETTUCE_IO_URING, "false");
    }
  }

  private final RedisEndpoint endpoint;
  private final RedisCodec<K, V> codec;
  private State state = State.NEW;
  private ClientResources resources;
  private AbstractRedisClient client;
  private Supplier<CompletableFuture<? extends StatefulConnection<K, V>>> connector;
  private CompletableFuture<? extends StatefulConnection<K, V>> connection;

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
    resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
            .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
            .build();
    if (endpoint.kind() == RedisEndpoint.Kind.CLUSTER) {
      startCluster();
    } else {
      startSingle();
    }
    connection = connector.get();
  }

  private void startSingle() {
    RedisURI uri = endpoint.redisUris().get(0);
    RedisClient single = RedisClient.create(resources, uri);
    single.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(endpoint.timeout()))
            .socketOptions(socketOptions())
            .build());
    client = single;
    connector = () -> single.connectAsync(codec, uri).toCompletableFuture();
  }

  private void startCluster() {
    RedisClusterClient cluster = RedisClusterClient.create(resources, endpoint.redisUris());
    Duration refresh = endpoint.topologyRefresh();
    cluster.setOptions(
        ClusterClientOptions.builder()
            // Rejecting would also refuse every command sent while a node's connection is still
            // being opened (the first to each master, and to a promoted replica).
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(endpoint.timeout()))
            .socketOptions(socketOptions())
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(refresh)
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(
                        refresh.compareTo(ADAPTIVE_LIMIT) < 0 ? refresh : ADAPTIVE_LIMIT)
                    .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
                    .build())
            .build());
    client = cluster;
    // Lettuce connects asynchronously only with a topology: read it first (again after a failure).
    connector =
        () ->
            cluster
                .refreshPartitionsAsync()
                .toCompletableFuture()
                .thenCompose(loaded -> cluster.connectAsync(codec));
  }

  private SocketOptions socketOptions() {
    return SocketOptions.builder().connectTimeout(endpoint.timeout()).build();
  }

  /**
   * The connection's commands, reconnecting first if the last attempt failed or the connection was
   * lost. Fails with {@link IllegalStateException} before {@link #start()} and after {@link
   * #stop()}.
   */
  public synchronized CompletableFuture<RedisClusterAsyncCommands<K, V>> commands() {
    if (state != State.STARTED) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(state == State.NEW ? "redis not started" : "redis stopped"));
    }
    if (connection.isCompletedExceptionally()) {
      connection = connector.get();
    } else if (connection.isDone() && !connection.join().isOpen()) {
      var unused = connection.join().closeAsync();
      connection = connector.get();
    }
    return connection.thenApply(RedisLink::async);
  }

  private static <K, V> RedisClusterAsyncCommands<K, V> async(StatefulConnection<K, V> open) {
    if (open instanceof StatefulRedisClusterConnection<K, V> cluster) {
      return cluster.async();
    }
    return ((StatefulRedisConnection<K, V>) open).async();
  }

  /**
   * Closes the connection and the client (idempotent). A connect still in flight is waited out and
   * closed: one landing after the client shut down would hold its channel, and Lettuce's buffers,
   * until the event loops died.
   */
  public void stop() {
    CompletableFuture<? extends StatefulConnection<K, V>> last;
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
}
