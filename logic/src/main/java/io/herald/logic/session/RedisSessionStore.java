package io.herald.logic.session;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis (layout in {@link RedisSessionKeys} and {@code docs/architecture.md}). Each
 * session is a record under its device key, an entry in its mid's hash and a member of its Comet's
 * set; all three carry the session TTL and every put or renewal refreshes it, so a crashed Comet's
 * sessions expire on their own.
 *
 * <p>Writes to several keys are pipelined on one connection, never wrapped in MULTI, so the store
 * works with keys spread over a cluster. The record is written first: a reader that finds a device
 * in a mid's hash finds its record unless it has expired or moved. Conditional deletes run as
 * single-key Lua scripts, so a late Disconnect or a purge never removes a newer session.
 */
public final class RedisSessionStore implements SessionStore {
  private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);

  private final RedisConnection redis;
  private final RedisSessionKeys keys;
  private final long ttlMillis;
  private final RedisSessionPurge purge;
  private final RedisMidLookup midLookup;

  /**
   * @param redis the connection, started by its owner
   * @param ttl how long a session lives without renewal
   * @param purgeBatch how many sessions {@link #purgeStale} handles per round trip
   */
  public RedisSessionStore(
      RedisConnection redis, Duration ttl, int purgeBatch, MeterRegistry meters) {
    this.redis = redis;
    this.keys = new RedisSessionKeys(redis.keyPrefix());
    this.ttlMillis = ttl.toMillis();
    this.purge = new RedisSessionPurge(redis, keys, purgeBatch, meters);
    this.midLookup = new RedisMidLookup(redis, keys);
  }

  @Override
  public CompletableFuture<Void> put(Session session) {
    return redis.run(RedisOp.PUT, commands -> write(commands, session)).thenApply(old -> null);
  }

  @Override
  public CompletableFuture<Boolean> renew(Session session) {
    return redis
        .run(RedisOp.RENEW, commands -> write(commands, session))
        .thenApply(
            old ->
                String.valueOf(session.mid()).equals(old.get(0))
                    && session.serverId().equals(old.get(1))
                    && String.valueOf(session.serverEpoch()).equals(old.get(2)));
  }

  @Override
  public CompletableFuture<Boolean> remove(long mid, String key, String serverId) {
    return redis.run(
        RedisOp.REMOVE,
        commands ->
            SessionScripts.REMOVE
                .<String>run(commands, new String[] {keys.key(key)}, String.valueOf(mid), serverId)
                .thenCompose(
                    epoch -> {
                      if (epoch == null) {
                        return CompletableFuture.completedFuture(false);
                      }
                      long removed = Long.parseLong(epoch);
                      String entry = RedisSessionKeys.midEntry(serverId, removed);
                      return CompletableFuture.allOf(
                              SessionScripts.deleteEntry(commands, keys.mid(mid), key, entry),
                              removeOlder(commands, serverId, removed + 1, key))
                          .thenApply(v -> true);
                    }));
  }

  @Override
  public CompletableFuture<Map<Long, List<Session>>> sessionsOfMids(Collection<Long> mids) {
    return midLookup.sessionsOfMids(mids);
  }

  @Override
  public CompletableFuture<Map<String, Session>> sessionsOfKeys(Collection<String> deviceKeys) {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(deviceKeys));
    return redis.run(
        RedisOp.LOOKUP,
        commands -> {
          List<CompletableFuture<Map<String, String>>> records = new ArrayList<>();
          for (String key : distinct) {
            records.add(commands.hgetall(keys.key(key)).toCompletableFuture());
          }
          return CompletableFuture.allOf(records.toArray(CompletableFuture<?>[]::new))
              .thenApply(
                  v -> {
                    Map<String, Session> found = new LinkedHashMap<>();
                    for (int i = 0; i < distinct.size(); i++) {
                      Session session =
                          RedisSessionKeys.session(distinct.get(i), records.get(i).join());
                      if (session != null) {
                        found.put(session.key(), session);
                      }
                    }
                    return found;
                  });
        });
  }

  @Override
  public CompletableFuture<Integer> purgeStale(String serverId, long currentEpoch) {
    return purge.purge(serverId, currentEpoch);
  }

  /**
   * Writes the record, the mid entry and the server member with fresh TTLs, then drops the index
   * entries of the record it replaced if that was another user's or another Comet's. Completes with
   * the previous record's mid, server and epoch (nulls if none).
   */
  private CompletableFuture<List<Object>> write(
      RedisAsyncCommands<String, String> commands, Session session) {
    String key = session.key();
    String midKey = keys.mid(session.mid());
    String serverKey = keys.server(session.serverId());
    CompletableFuture<List<Object>> previous =
        SessionScripts.WRITE.run(
            commands,
            new String[] {keys.key(key)},
            String.valueOf(session.mid()),
            session.serverId(),
            String.valueOf(session.serverEpoch()),
            session.platform(),
            String.valueOf(ttlMillis));
    String entry = RedisSessionKeys.midEntry(session.serverId(), session.serverEpoch());
    CompletableFuture<?>[] indexes = {
      commands.hset(midKey, key, entry).toCompletableFuture(),
      commands.pexpire(midKey, ttlMillis).toCompletableFuture(),
      commands.zadd(serverKey, (double) session.serverEpoch(), key).toCompletableFuture(),
      commands.pexpire(serverKey, ttlMillis).toCompletableFuture()
    };
    return CompletableFuture.allOf(indexes)
        .thenCompose(v -> previous)
        .thenCompose(old -> forgetReplaced(commands, session, old).thenApply(v -> old));
  }

  /** Drops the index entries of a replaced record that belonged to another mid or Comet. */
  private CompletableFuture<Void> forgetReplaced(
      RedisAsyncCommands<String, String> commands, Session session, List<Object> old) {
    if (old.get(1) == null || old.get(2) == null) {
      return CompletableFuture.completedFuture(null);
    }
    String oldMid = Objects.toString(old.get(0), "");
    String oldServer = old.get(1).toString();
    long oldEpoch;
    try {
      oldEpoch = Long.parseLong(old.get(2).toString());
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> drops = new ArrayList<>();
    if (!oldServer.equals(session.serverId())) {
      drops.add(removeOlder(commands, oldServer, oldEpoch + 1, session.key()));
    }
    if (!oldMid.equals(String.valueOf(session.mid()))) {
      String entry = RedisSessionKeys.midEntry(oldServer, oldEpoch);
      drops.add(SessionScripts.deleteEntry(commands, keys.mid(oldMid), session.key(), entry));
    }
    return CompletableFuture.allOf(drops.toArray(CompletableFuture<?>[]::new))
        .exceptionally(
            error -> {
              log.debug("Could not drop the replaced session of {}", session.key(), error);
              return null;
            });
  }

  private CompletableFuture<Long> removeOlder(
      RedisAsyncCommands<String, String> commands, String serverId, long bound, String key) {
    return SessionScripts.removeOlder(commands, keys.server(serverId), bound, List.of(key));
  }
}
