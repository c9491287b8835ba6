package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import java.util.List;
import java.util.Optional;

/**
 * The reader's side of the registry (Balancer, Job, Logic): an in-memory snapshot of the live
 * records, refreshed in the background. Reads never block and never do I/O.
 *
 * <p>The snapshot holds every non-expired record whatever its state: a DRAINING node is listed,
 * because Job still delivers to its clients; the Balancer filters it out of its replies.
 */
public interface RegistryView {

  /** The live records, ordered by server id; immutable. Empty until the first refresh. */
  List<CometNode> nodes();

  /** The live record of {@code serverId}, if any. */
  Optional<CometNode> node(String serverId);

  /**
   * Adds a listener and calls it at once with the current snapshot, then on every change as {@link
   * RegistryListener} describes, so it never misses one between a read and its registration.
   */
  void addListener(RegistryListener listener);

  /** Removes a listener added before; no effect otherwise. */
  void removeListener(RegistryListener listener);
}
