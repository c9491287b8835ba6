package io.herald.job.broadcast;

import io.herald.proto.registry.v1.CometNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a broadcast's cluster-wide speed (connections written per second) among the Comets, in
 * proportion to the connections each reported in the registry, so they all finish at about the same
 * time; equally when none reported any. Each Comet gets at least 1 (a speed of 0 means unpaced,
 * which is not what a paced push asked for). Pure.
 */
final class BroadcastSpeeds {
  private BroadcastSpeeds() {}

  /** Server id → speed for its Broadcast call, in {@code nodes}' order; all 0 when unpaced. */
  static Map<String, Integer> split(int speed, List<CometNode> nodes) {
    Map<String, Integer> speeds = new LinkedHashMap<>();
    long total = 0;
    for (CometNode node : nodes) {
      total += Math.max(0, node.getConnections());
    }
    for (CometNode node : nodes) {
      int share;
      if (speed <= 0) {
        share = 0;
      } else if (total == 0) {
        share = ceilDiv(speed, nodes.size());
      } else {
        long connections = Math.max(0, node.getConnections());
        share = Math.max(1, ceilDiv((long) speed * connections, total));
      }
      speeds.put(node.getServerId(), share);
    }
    return speeds;
  }

  private static int ceilDiv(long a, long b) {
    return (int) ((a + b - 1) / b);
  }
}
