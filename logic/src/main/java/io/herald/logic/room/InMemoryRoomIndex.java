package io.herald.logic.room;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The room index in this process, for {@code herald standalone}: the same semantics as {@link
 * RedisRoomIndex}, with lapse times on the injected clock. Lapsed entries are dropped when their
 * room is read or held again.
 */
public final class InMemoryRoomIndex implements RoomIndex {
  private final Clock clock;
  private final long ttlMillis;
  private final Map<String, Map<String, Long>> rooms = new HashMap<>();

  public InMemoryRoomIndex(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public synchronized CompletableFuture<Void> hold(String serverId, Collection<String> held) {
    long now = clock.millis();
    for (String room : held) {
      Map<String, Long> servers = rooms.computeIfAbsent(room, r -> new HashMap<>());
      servers.values().removeIf(lapse -> lapse <= now);
      servers.put(serverId, now + ttlMillis);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Set<String>> servers(String room) {
    long now = clock.millis();
    Map<String, Long> servers = rooms.get(room);
    if (servers == null) {
      return CompletableFuture.completedFuture(Set.of());
    }
    servers.values().removeIf(lapse -> lapse <= now);
    if (servers.isEmpty()) {
      rooms.remove(room);
    }
    return CompletableFuture.completedFuture(Set.copyOf(new TreeSet<>(servers.keySet())));
  }
}
