package io.herald.comet.server;

import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryListener;
import java.util.List;

/**
 * Notices this Comet's own record disappearing from the registry while the Comet runs — an emptied
 * or replaced Redis, or renewals that failed for a whole TTL — and says so, once per disappearance.
 * Only after the record has been seen once: before the first registration lands, its absence means
 * nothing. Registry listeners are called one at a time, so no state needs guarding.
 */
final class OwnRecordWatch implements RegistryListener {
  private final String serverId;
  private final Runnable lost;
  private boolean present;

  OwnRecordWatch(String serverId, Runnable lost) {
    this.serverId = serverId;
    this.lost = lost;
  }

  @Override
  public void onChange(List<CometNode> nodes) {
    boolean now = nodes.stream().anyMatch(node -> node.getServerId().equals(serverId));
    if (present && !now) {
      lost.run();
    }
    present = now;
  }
}
