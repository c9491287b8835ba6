package io.herald.logic.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Sessions in this process, for {@code herald standalone}: the same semantics as {@link
 * RedisSessionStore} with expiry evaluated against the injected clock when a session is read. Every
 * call completes before it returns. Expired sessions are swept out once per TTL, on a write.
 */
public final class InMemorySessionStore implements SessionStore {
  private final Clock clock;
  private final long ttlMillis;
  private final Map<String, Entry> byKey = new HashMap<>();
  private final Map<Long, Set<String>> keysByMid = new HashMap<>();
  private long nextSweep;

  private record Entry(Session session, long expiresAt) {}

  public InMemorySessionStore(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public CompletableFuture<Void> put(Session session) {
    synchronized (this) {
      write(session);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Renewal> renew(Session session) {
    Renewal renewal;
    synchronized (this) {
      Session old = live(session.key());
      if (old == null) {
        renewal = Renewal.RECREATED;
      } else if (old.sameConnection(session)) {
        renewal = Renewal.RENEWED;
      } else {
        return CompletableFuture.completedFuture(Renewal.SUPERSEDED);
      }
      write(session);
    }
    return CompletableFuture.completedFuture(renewal);
  }

  @Override
  public CompletableFuture<Boolean> remove(Session session) {
    boolean removed;
    synchronized (this) {
      removed = session.sameConnection(live(session.key()));
      if (removed) {
        delete(session.key());
      }
    }
    return CompletableFuture.completedFuture(removed);
  }

  @Override
  public synchronized CompletableFuture<Map<Long, List<Session>>> sessionsOfMids(
      Collection<Long> mids) {
    Map<Long, List<Session>> found = new LinkedHashMap<>();
    for (long mid : mids) {
      List<Session> sessions = new ArrayList<>();
      for (String key : List.copyOf(keysByMid.getOrDefault(mid, Set.of()))) {
        Session session = live(key);
        if (session != null) {
          sessions.add(session);
        }
      }
      if (!sessions.isEmpty()) {
        sessions.sort(Comparator.comparing(Session::key));
        found.put(mid, List.copyOf(sessions));
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public synchronized CompletableFuture<Map<String, Session>> sessionsOfKeys(
      Collection<String> keys) {
    Map<String, Session> found = new LinkedHashMap<>();
    for (String key : keys) {
      Session session = live(key);
      if (session != null) {
        found.put(key, session);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletableFuture<Integer> purgeStale(String serverId, long epoch) {
    int purged = 0;
    synchronized (this) {
      for (String key : List.copyOf(byKey.keySet())) {
        Session session = byKey.get(key).session();
        if (session.serverId().equals(serverId) && session.serverEpoch() < epoch) {
          purged += live(key) != null ? 1 : 0;
          delete(key);
        }
      }
    }
    return CompletableFuture.completedFuture(purged);
  }

  /** The unexpired session of {@code key}, dropping it if it has expired. */
  private Session live(String key) {
    Entry entry = byKey.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.expiresAt() <= clock.millis()) {
      delete(key);
      return null;
    }
    return entry.session();
  }

  private void write(Session session) {
    long now = clock.millis();
    sweep(now);
    Entry old = byKey.put(session.key(), new Entry(session, now + ttlMillis));
    if (old != null && old.session().mid() != session.mid()) {
      unindex(old.session());
    }
    keysByMid.computeIfAbsent(session.mid(), mid -> new TreeSet<>()).add(session.key());
  }

  private void delete(String key) {
    Entry old = byKey.remove(key);
    if (old != null) {
      unindex(old.session());
    }
  }

  private void unindex(Session session) {
    Set<String> keys = keysByMid.get(session.mid());
    if (keys != null && keys.remove(session.key()) && keys.isEmpty()) {
      keysByMid.remove(session.mid());
    }
  }

  /** Drops every expired session, at most once per TTL. */
  private void sweep(long now) {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + ttlMillis;
    for (Iterator<Entry> it = byKey.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.expiresAt() <= now) {
        it.remove();
        unindex(entry.session());
      }
    }
  }
}
