package io.herald.logic.online;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Online reports in this process, for {@code herald standalone}: the same semantics as {@link
 * RedisOnlineStore}, with the TTL measured on the injected clock from when a report was stored.
 */
public final class InMemoryOnlineStore implements OnlineStore {
  private final Clock clock;
  private final long ttlMillis;
  private final Map<String, Stored> reports = new HashMap<>();

  private record Stored(ServerOnline online, long expiresAt) {}

  public InMemoryOnlineStore(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public synchronized CompletableFuture<Void> report(ServerOnline online) {
    long now = clock.millis();
    Stored current = reports.get(online.serverId());
    boolean older =
        current != null && current.expiresAt() > now && current.online().epoch() > online.epoch();
    if (!older) {
      reports.put(online.serverId(), new Stored(online, now + ttlMillis));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<List<ServerOnline>> all() {
    long now = clock.millis();
    reports.values().removeIf(stored -> stored.expiresAt() <= now);
    List<ServerOnline> live = new ArrayList<>(reports.size());
    reports.values().forEach(stored -> live.add(stored.online()));
    live.sort(Comparator.comparing(ServerOnline::serverId));
    return CompletableFuture.completedFuture(live);
  }
}
