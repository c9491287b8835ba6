package io.herald.logic.session;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
 * <p>Writes to several keys are never wrapped in MULTI, so the store works with keys spread over a
 * cluster's masters. The record is written first, and the mid entry and server member only once
 * Redis acknowledged it (on a cluster they are on other masters, so sending them together would not
 * order them): a reader that finds a device in a mid's hash finds its record unless it has expired
 * or moved. Conditional writes and deletes run as single-key Lua scripts fenced by the connection
 * they name, so a late Disconnect, a late renewal or a purge never touches a newer connection's
 * session.
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
  public CompletableFuture<Renewal> renew(Session session) {
    return redis.run(
        RedisOp.RENEW,
        commands ->
            SessionScripts.RENEW
                .<Long>run(
                    commands,
                    new String[] {keys.key(session.key())},
                    connection(session, session.platform(), String.valueOf(ttlMillis)))
                .thenCompose(
                    answer -> {
                      if (answer == SessionScripts.SUPERSEDED) {
                        return CompletableFuture.completedFuture(Renewal.SUPERSEDED);
                      }
                      Renewal renewal =
                          answer == SessionScripts.RECREATED ? Renewal.RECREATED : Renewal.RENEWED;
                      return CompletableFuture.allOf(index(commands, session))
                          .thenApply(v -> renewal);
                    }));
  }

  @Override
  public CompletableFuture<Boolean> remove(Session session) {
    return redis.run(
        RedisOp.REMOVE,
        commands ->
            SessionScripts.REMOVE
                .<Long>run(commands, new String[] {keys.key(session.key())}, connection(session))
                .thenCompose(
                    removed -> {
                      if (removed != 1) {
                        return CompletableFuture.completedFuture(false);
                      }
                      return CompletableFuture.allOf(
                              SessionScripts.deleteEntry(
                                  commands,
                                  keys.mid(session.mid()),
                                  session.key(),
                                  RedisSessionKeys.midEntry(session)),
                              removeMember(commands, session.serverId(), session))
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
   * Writes the record, then the mid entry and the server member, with fresh TTLs, then drops the
   * index entries of the connection it replaced. Completes with the previous record's mid, server,
   * epoch and conn (nulls if none).
   */
  private CompletableFuture<List<Object>> write(
      RedisClusterAsyncCommands<String, String> commands, Session session) {
    CompletableFuture<List<Object>> previous =
        SessionScripts.WRITE.run(
            commands,
            new String[] {keys.key(session.key())},
            connection(session, session.platform(), String.valueOf(ttlMillis)));
    // The index only once the record is written: on a cluster they live on different masters, and
    // a lookup that found the entry before its record would drop the entry as expired.
    return previous.thenCompose(
        old ->
            CompletableFuture.allOf(index(commands, session))
                .thenCompose(v -> forgetReplaced(commands, session, old))
                .thenApply(v -> old));
  }

  /** Writes the mid entry and the server member of {@code session}, with fresh TTLs. */
  private CompletableFuture<?>[] index(
      RedisClusterAsyncCommands<String, String> commands, Session session) {
    String midKey = keys.mid(session.mid());
    String serverKey = keys.server(session.serverId());
    return new CompletableFuture<?>[] {
      commands
          .hset(midKey, session.key(), RedisSessionKeys.midEntry(session))
          .toCompletableFuture(),
      commands.pexpire(midKey, ttlMillis).toCompletableFuture(),
      commands
          .zadd(
              serverKey,
              (double) session.serverEpoch(),
              RedisSessionKeys.serverMember(session.key(), session.connId()))
          .toCompletableFuture(),
      commands.pexpire(serverKey, ttlMillis).toCompletableFuture()
    };
  }

  /** Drops the index entries of the connection whose record {@code session} replaced. */
  private CompletableFuture<Void> forgetReplaced(
      RedisClusterAsyncCommands<String, String> commands, Session session, List<Object> old) {
    Session replaced =
        RedisSessionKeys.session(
            session.key(),
            old.get(0) == null
                ? Map.of()
                : Map.of(
                    RedisSessionKeys.MID, Objects.toString(old.get(0)),
                    RedisSessionKeys.SERVER, Objects.toString(old.get(1), ""),
                    RedisSessionKeys.EPOCH, Objects.toString(old.get(2), ""),
                    RedisSessionKeys.CONN, Objects.toString(old.get(3), "0")));
    if (replaced == null || replaced.sameConnection(session)) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> drops = new ArrayList<>();
    drops.add(removeMember(commands, replaced.serverId(), replaced));
    if (replaced.mid() != session.mid()) {
      drops.add(
          SessionScripts.deleteEntry(
              commands,
              keys.mid(replaced.mid()),
              session.key(),
              RedisSessionKeys.midEntry(replaced)));
    }
    return CompletableFuture.allOf(drops.toArray(CompletableFuture<?>[]::new))
        .exceptionally(
            error -> {
              log.debug("Could not drop the replaced session of {}", session.key(), error);
              return null;
            });
  }

  /** Removes {@code session}'s member from its Comet's set, unless a newer epoch wrote it again. */
  private CompletableFuture<Long> removeMember(
      RedisClusterAsyncCommands<String, String> commands, String serverId, Session session) {
    return SessionScripts.removeOlder(
        commands,
        keys.server(serverId),
        session.serverEpoch() + 1,
        List.of(RedisSessionKeys.serverMember(session.key(), session.connId())));
  }

  /** The script arguments naming {@code session}'s connection, then {@code more}. */
  private static String[] connection(Session session, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = String.valueOf(session.mid());
    args[1] = session.serverId();
    args[2] = String.valueOf(session.serverEpoch());
    args[3] = String.valueOf(session.connId());
    System.arraycopy(more, 0, args, 4, more.length);
    return args;
  }
}
