package io.herald.logic.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where Logic keeps sessions: which devices a user has, which Comet holds each device. Every record
 * expires unless renewed by heartbeats, so the sessions of a Comet that crashed disappear on their
 * own. Implementations: {@code RedisSessionStore} (production) and {@code InMemorySessionStore}
 * (standalone). All methods are asynchronous and never block the caller.
 */
public interface SessionStore {

  /** Records a session (replacing one with the same key), with fresh TTLs. */
  CompletableFuture<Void> put(Session session);

  /**
   * Renews a session's TTLs. Completes with {@code true} if it was there, {@code false} if it had
   * expired (or been purged) and was recreated from {@code session}.
   */
  CompletableFuture<Boolean> renew(Session session);

  /**
   * Removes the session of {@code key} if {@code serverId} holds it (a late Disconnect from a Comet
   * the device already left must not remove the newer session). Completes with whether it removed
   * one.
   */
  CompletableFuture<Boolean> remove(long mid, String key, String serverId);

  /** The live sessions of each mid that has any (all of a user's devices). */
  CompletableFuture<Map<Long, List<Session>>> sessionsOfMids(Collection<Long> mids);

  /** The live session of each key that has one. */
  CompletableFuture<Map<String, Session>> sessionsOfKeys(Collection<String> keys);

  /**
   * Removes every session {@code serverId} recorded under an epoch older than {@code currentEpoch}:
   * that Comet restarted and those connections are gone. Completes with how many.
   */
  CompletableFuture<Integer> purgeStale(String serverId, long currentEpoch);
}
