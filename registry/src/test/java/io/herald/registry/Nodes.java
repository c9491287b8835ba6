package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.List;

/** Sample records for tests. */
final class Nodes {
  private Nodes() {}

  /** An UP node with addresses derived from {@code serverId}. */
  static CometNode up(String serverId) {
    return CometNode.newBuilder()
        .setServerId(serverId)
        .setRegion("cn-east")
        .setWeight(10)
        .setTcpAddress(serverId + ":3101")
        .setGrpcAddress(serverId + ":3109")
        .setCapacity(10_000)
        .setState(NodeState.NODE_STATE_UP)
        .build();
  }

  static CometNode draining(String serverId) {
    return up(serverId).toBuilder().setState(NodeState.NODE_STATE_DRAINING).build();
  }

  /** A record with every field set to something other than its default. */
  static CometNode full(String serverId) {
    return CometNode.newBuilder()
        .setServerId(serverId)
        .setRegion("eu-west")
        .setLatitude(48.8566)
        .setLongitude(-2.3522)
        .setWeight(7)
        .setTcpAddress("10.1.2.3:3101")
        .setWsAddress("10.1.2.3:3102")
        .setWssAddress("edge-1.example.com:3103")
        .setGrpcAddress("10.1.2.3:3109")
        .setConnections(4321)
        .setCapacity(50_000)
        .setState(NodeState.NODE_STATE_DRAINING)
        .setEpoch(1_700_000_000_123L)
        .setLastRenewUnixMs(42)
        .build();
  }

  static List<String> ids(List<CometNode> nodes) {
    return nodes.stream().map(CometNode::getServerId).toList();
  }
}
