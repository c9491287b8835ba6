package io.herald.balancer.rank;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;

/**
 * Which nodes may be offered, and how strongly each one attracts new clients.
 *
 * <p>A node is <em>eligible</em> when it has a server id, is {@code NODE_STATE_UP} (draining and
 * unspecified states are not offered), has weight &gt; 0, a capacity &gt; 0 with {@code connections
 * < capacity}, and an address the client can use: a browser ({@code platform=web}) needs a ws or
 * wss address, other clients any of tcp, ws or wss.
 *
 * <p>The <em>score</em> of an eligible node is {@code weight × headroom}, where {@code headroom = 1
 * − connections / capacity} (negative connection counts read as 0), so it lies in {@code (0,
 * weight]}. The ranker hands each node a share of first places proportional to its score. Why this
 * formula:
 *
 * <ul>
 *   <li>Weight is the operator's statement of relative size; with equal load, a weight-20 node gets
 *       twice the new clients of a weight-10 node.
 *   <li>Headroom makes it least-connections relative to size: an emptier node gets more new
 *       clients, a node nearing capacity fewer and fewer, one at capacity none — a smooth signal
 *       instead of a cliff.
 *   <li>Proportional, not winner-takes-all: connection counts are renewed only every few seconds,
 *       so sending every client to the single least-loaded node would herd them all onto it until
 *       the next renew. Shares keep the load spreading between renews.
 * </ul>
 */
final class NodeScore {

  private NodeScore() {}

  static boolean eligible(CometNode node, RankRequest request) {
    if (node.getServerId().isEmpty()
        || node.getState() != NodeState.NODE_STATE_UP
        || node.getWeight() <= 0
        || node.getCapacity() <= 0
        || node.getConnections() >= node.getCapacity()) {
      return false;
    }
    boolean websocket = !node.getWsAddress().isEmpty() || !node.getWssAddress().isEmpty();
    return request.web() ? websocket : websocket || !node.getTcpAddress().isEmpty();
  }

  /** {@code weight × (1 − connections / capacity)}; positive for an eligible node. */
  static double of(CometNode node) {
    double load = Math.max(0, node.getConnections()) / (double) node.getCapacity();
    return node.getWeight() * (1.0 - load);
  }
}
