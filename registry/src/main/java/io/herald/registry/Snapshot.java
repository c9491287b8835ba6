package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry's records at one moment, ordered by server id.
 *
 * @param validUntilMillis when the earliest record in it expires (Unix ms); {@link Long#MAX_VALUE}
 *     when the backend expires records itself
 */
record Snapshot(List<CometNode> nodes, Map<String, CometNode> byId, long validUntilMillis) {

  static final Snapshot EMPTY = of(List.of());

  static Snapshot of(Collection<CometNode> nodes) {
    return of(nodes, Long.MAX_VALUE);
  }

  static Snapshot of(Collection<CometNode> nodes, long validUntilMillis) {
    TreeMap<String, CometNode> sorted = new TreeMap<>();
    for (CometNode node : nodes) {
      sorted.put(node.getServerId(), node);
    }
    return new Snapshot(List.copyOf(sorted.values()), Map.copyOf(sorted), validUntilMillis);
  }

  long count(NodeState state) {
    return nodes.stream().filter(node -> node.getState() == state).count();
  }

  /**
   * Whether {@code other} differs from this snapshot in more than load: a node joined or left, or a
   * record changed in a field other than {@code connections} and {@code last_renew_unix_ms}.
   */
  boolean topologyDiffers(Snapshot other) {
    if (nodes.size() != other.nodes.size()) {
      return true;
    }
    for (int i = 0; i < nodes.size(); i++) {
      if (!withoutLoad(nodes.get(i)).equals(withoutLoad(other.nodes.get(i)))) {
        return true;
      }
    }
    return false;
  }

  private static CometNode withoutLoad(CometNode node) {
    return node.toBuilder().clearConnections().clearLastRenewUnixMs().build();
  }
}
