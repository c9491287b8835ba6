package io.herald.logic.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where Logic keeps sessions: which devices a user has, which Comet holds each device, through
 * which connection. Every record expires unless renewed by heartbeats, so the sessions of a Comet
 * that crashed disappear on their own even before they are purged. Implementations: {@code
 * RedisSessionStore} (production) and {@code InMemorySessionStore} (standalone). All methods are
 * asynchronous and never block the caller.
 *
 * <p><b>Fencing.</b> A device key has at most one session, that of the connection that last
 * connected with it ({@link #put}). Renewals and removals name the connection they are about
 * ({@link Session#sameConnection}) and never touch another connection's session: the Disconnect of
 * an old connection that reaches Logic after the Connect of the device's new one removes nothing.
 */
public interface SessionStore {

  /** What {@link #renew} did. */
  enum Renewal {
    /** The session was there; its TTLs are fresh. */
    RENEWED,
    /** It had expired or been purged, and was recreated from the request. */
    RECREATED,
    /** The key's session belongs to another connection now; nothing was written. */
    SUPERSEDED
  }

  /** Records a new connection's session, taking the key over from any earlier one; fresh TTLs. */
  CompletableFuture<Void> put(Session session);

  /**
   * Renews a connection's session: refreshes its TTLs if it is there, recreates it if the key has
   * no session, and leaves the key alone if another connection holds it.
   */
  CompletableFuture<Renewal> renew(Session session);

  /**
   * Removes the session of {@code session.key()} if it is still that connection's ({@link
   * Session#sameConnection}; the platform is not compared). Completes with whether it removed one.
   */
  CompletableFuture<Boolean> remove(Session session);

  /** The live sessions of each mid that has any (all of a user's devices). */
  CompletableFuture<Map<Long, List<Session>>> sessionsOfMids(Collection<Long> mids);

  /** The live session of each key that has one. */
  CompletableFuture<Map<String, Session>> sessionsOfKeys(Collection<String> keys);

  /**
   * Removes every session {@code serverId} recorded under an epoch older than {@code epoch}: that
   * Comet restarted (a newer epoch) or died (its last epoch + 1), and those connections are gone.
   * Completes with how many.
   */
  CompletableFuture<Integer> purgeStale(String serverId, long epoch);
}
