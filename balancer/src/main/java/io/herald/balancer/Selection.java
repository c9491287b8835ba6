package io.herald.balancer;

import io.herald.balancer.rank.ClientLocation;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.proto.registry.v1.CometNode;
import java.util.List;

/**
 * The answer to a {@link NodeQuery}: the nodes best first, where the client was placed, and the
 * heartbeat and backoff it should use.
 */
public record Selection(
    List<CometNode> nodes,
    ClientLocation location,
    ClientHeartbeat heartbeat,
    ClientBackoff backoff) {

  public Selection {
    nodes = List.copyOf(nodes);
  }

  /** A node's client-facing addresses, as handed to clients. */
  public static NodeAddress address(CometNode node) {
    return NodeAddress.newBuilder()
        .setServerId(node.getServerId())
        .setRegion(node.getRegion())
        .setTcp(node.getTcpAddress())
        .setWs(node.getWsAddress())
        .setWss(node.getWssAddress())
        .build();
  }
}
