package io.herald.logic.room;

import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registered Comets whose room index entries Logic cannot vouch for: those without an online
 * report, or whose last report is older than two thirds of the report TTL. A Comet's entries lapse
 * a TTL after its last report, so one that could not report for a while (no Logic running, Logic
 * restarting, the Comet itself starved) may still hold members the index no longer names; {@link
 * RoomRoutes} sends it every room push until a fresh report names its rooms again. The last third
 * of the TTL is the margin for a push routed now to reach Job and the Comet.
 */
public final class UnvouchedComets implements Supplier<Set<String>> {
  private final RegistryView registry;
  private final Supplier<Map<String, Long>> reportedAt;
  private final long freshMillis;
  private final Clock clock;

  /**
   * @param reportedAt Comet id → when its last online report was received (Unix ms)
   * @param ttl how long a report and the room entries it holds live ({@code store.onlineTtl})
   */
  public UnvouchedComets(
      RegistryView registry, Supplier<Map<String, Long>> reportedAt, Duration ttl, Clock clock) {
    this.registry = registry;
    this.reportedAt = reportedAt;
    this.freshMillis = ttl.toMillis() * 2 / 3;
    this.clock = clock;
  }

  @Override
  public Set<String> get() {
    Map<String, Long> reports = reportedAt.get();
    long now = clock.millis();
    Set<String> unvouched = new HashSet<>();
    for (CometNode node : registry.nodes()) {
      Long at = reports.get(node.getServerId());
      if (at == null || now - at >= freshMillis) {
        unvouched.add(node.getServerId());
      }
    }
    return unvouched;
  }
}
