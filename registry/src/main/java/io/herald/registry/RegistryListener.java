package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import java.util.List;

/**
 * Told when the set of registered Comets changes: a node joins, leaves (deregistered or expired),
 * or changes anything but its load — state (UP ↔ DRAINING), addresses, weight, region, capacity or
 * epoch. Changes to {@code connections} and {@code last_renew_unix_ms} alone do not notify: every
 * renewal changes them, and {@link RegistryView#nodes()} always returns the latest counts.
 *
 * <p>Calls come one at a time, in order, on a registry thread (or the thread of the write that
 * caused them, in-process); a listener must return quickly and must not block.
 */
@FunctionalInterface
public interface RegistryListener {

  /**
   * Called with the new snapshot.
   *
   * @param nodes the new snapshot, as {@link RegistryView#nodes()} returns it: ordered by server
   *     id, DRAINING nodes included, immutable
   */
  void onChange(List<CometNode> nodes);
}
