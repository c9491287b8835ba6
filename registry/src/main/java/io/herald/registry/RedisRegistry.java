package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisLink;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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

  private final RedisLink<String, byte[]> redis;
  private final RedisKeys keys;
  private final long ttlMillis;
  private final Duration pollInterval;
  private final Clock clock;
  private final SnapshotPublisher publisher;
  private final RedisPoll poll;
  private Lifecycle lifecycle = Lifecycle.NEW;
  private ScheduledExecutorService poller;

  public RedisRegistry(
      RedisEndpoint config,
      Duration ttl,
      Duration pollInterval,
      Clock clock,
      MeterRegistry meters) {
    this.redis = new RedisLink<>(config, CODEC);
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
    redis.start();
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
    redis.stop();
    publisher.close();
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

  private CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> commands(String serverId) {
    RuntimeException refusal;
    synchronized (this) {
      refusal = lifecycle.refuseWrite(serverId);
    }
    return refusal != null ? CompletableFuture.failedFuture(refusal) : commands();
  }

  private synchronized CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> commands() {
    if (lifecycle != Lifecycle.STARTED) {
      return CompletableFuture.failedFuture(new IllegalStateException("registry stopped"));
    }
    return redis.commands();
  }
}
