package io.herald.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.proto.registry.v1.CometNode;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader's poll of the Redis registry: reads the index and the records, publishes the snapshot,
 * and drops from the index the ids whose records have expired. Runs on the poller thread only, one
 * poll at a time.
 *
 * <p>A failed poll keeps the last snapshot and counts {@code herald.registry.polls{result=error}};
 * the first failure of an outage logs a WARN, the next ones DEBUG, and the first success after it
 * an INFO.
 */
final class RedisPoll {
  private static final Logger log = LoggerFactory.getLogger(RedisPoll.class);

  private final RedisKeys keys;
  private final SnapshotPublisher publisher;
  private final long waitMillis;
  private final Counter succeeded;
  private final Counter failed;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private boolean failing;

  RedisPoll(RedisKeys keys, SnapshotPublisher publisher, Duration timeout, MeterRegistry meters) {
    this.keys = keys;
    this.publisher = publisher;
    // SMEMBERS and MGET each time out on their own; this only guards against a lost reply.
    this.waitMillis = 3 * timeout.toMillis();
    this.succeeded = polls(meters, "ok");
    this.failed = polls(meters, "error");
  }

  CompletableFuture<Void> ready() {
    return ready;
  }

  void run(Supplier<CompletableFuture<RedisClusterAsyncCommands<String, byte[]>>> commands) {
    Snapshot next;
    try {
      next = commands.get().thenCompose(this::fetch).get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      failed(e.getCause());
      return;
    } catch (TimeoutException | RuntimeException e) {
      failed(e);
      return;
    }
    succeeded.increment();
    if (failing) {
      failing = false;
      log.info("Registry poll recovered: {} nodes in Redis", next.nodes().size());
    }
    publisher.publish(next);
    ready.complete(null);
  }

  private void failed(Throwable cause) {
    if (Thread.currentThread().isInterrupted()) {
      return; // stopping
    }
    failed.increment();
    if (!failing) {
      failing = true;
      log.warn(
          "Registry poll failed; keeping the last {} nodes until Redis answers: {}",
          publisher.current().nodes().size(),
          cause.toString());
    } else {
      log.debug("Registry poll failed again: {}", cause.toString());
    }
  }

  private CompletionStage<Snapshot> fetch(RedisClusterAsyncCommands<String, byte[]> redis) {
    return redis
        .smembers(keys.index())
        .thenCompose(
            members -> {
              if (members.isEmpty()) {
                return CompletableFuture.completedFuture(Snapshot.EMPTY);
              }
              List<String> ids = serverIds(members);
              String[] recordKeys = ids.stream().map(keys::node).toArray(String[]::new);
              return redis.mget(recordKeys).thenApply(records -> read(redis, ids, records));
            });
  }

  private Snapshot read(
      RedisClusterAsyncCommands<String, byte[]> redis,
      List<String> ids,
      List<KeyValue<String, byte[]>> records) {
    List<CometNode> nodes = new ArrayList<>(records.size());
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      KeyValue<String, byte[]> record = records.get(i);
      if (!record.hasValue()) {
        expired.add(ids.get(i));
        continue;
      }
      try {
        nodes.add(CometNode.parseFrom(record.getValue()));
      } catch (InvalidProtocolBufferException e) {
        log.debug("Skipping the unreadable registry record of {}", ids.get(i), e);
      }
    }
    if (!expired.isEmpty()) {
      prune(redis, expired);
    }
    return Snapshot.of(nodes);
  }

  /** Drops ids whose record is gone from the index, unless a writer put it back meanwhile. */
  private void prune(RedisClusterAsyncCommands<String, byte[]> redis, List<String> ids) {
    byte[][] members = ids.stream().map(RedisKeys::member).toArray(byte[][]::new);
    redis
        .<Long>eval(RedisKeys.PRUNE_SCRIPT, ScriptOutputType.INTEGER, keys.pruneKeys(ids), members)
        .whenComplete(
            (removed, error) -> {
              if (error != null) {
                log.debug("Could not prune expired ids from the registry index", error);
              } else {
                log.debug("Pruned {} expired ids from the registry index", removed);
              }
            });
  }

  private static List<String> serverIds(Set<byte[]> members) {
    return members.stream().map(RedisKeys::serverId).sorted().toList();
  }

  private static Counter polls(MeterRegistry meters, String result) {
    return Counter.builder("herald.registry.polls")
        .tag("result", result)
        .description("Polls of the Redis registry by a reader")
        .register(meters);
  }
}
