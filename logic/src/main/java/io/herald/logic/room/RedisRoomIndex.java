package io.herald.logic.room;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.herald.logic.redis.RedisScript;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The room index in Redis: per room, {@code <prefix>:room:<room>}, a sorted set of the server ids
 * holding members of it, each scored by the Unix ms its entry lapses at. One key per room and one
 * script per key, so the index spreads over a cluster's slots. A room's key expires a TTL after its
 * last write; lapsed members are removed when the room is written.
 */
public final class RedisRoomIndex implements RoomIndex {
  /** KEYS: the room. ARGV: server id, lapse time, now, key TTL ms. */
  private static final RedisScript HOLD =
      new RedisScript(
          """
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
          return 1
          """,
          ScriptOutputType.INTEGER);

  private final RedisConnection redis;
  private final String prefix;
  private final long ttlMillis;
  private final Clock clock;

  /**
   * @param redis the connection, started by its owner
   * @param ttl how long an entry lives without being held again
   */
  public RedisRoomIndex(RedisConnection redis, Duration ttl, Clock clock) {
    this.redis = redis;
    this.prefix = redis.keyPrefix() + ":room:";
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Void> hold(String serverId, Collection<String> rooms) {
    if (rooms.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    long now = clock.millis();
    String[] args = {
      serverId, String.valueOf(now + ttlMillis), String.valueOf(now), String.valueOf(ttlMillis)
    };
    return redis.run(
        RedisOp.ROOM_HOLD,
        commands -> {
          List<CompletableFuture<Long>> writes = new ArrayList<>(rooms.size());
          for (String room : rooms) {
            writes.add(HOLD.run(commands, new String[] {prefix + room}, args));
          }
          return CompletableFuture.allOf(writes.toArray(CompletableFuture<?>[]::new));
        });
  }

  @Override
  public CompletableFuture<Set<String>> servers(String room) {
    Range<Double> live =
        Range.from(Range.Boundary.excluding((double) clock.millis()), Range.Boundary.unbounded());
    return redis.run(
        RedisOp.ROOM_READ,
        commands -> commands.zrangebyscore(prefix + room, live).thenApply(Set::copyOf));
  }
}
