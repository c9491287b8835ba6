package io.herald.balancer.rank;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.List;
import java.util.Optional;

/** Comet records for ranking tests. */
final class TestNodes {

  static final GeoPoint SHANGHAI = new GeoPoint(31.23, 121.47);
  static final GeoPoint TOKYO = new GeoPoint(35.68, 139.69);
  static final GeoPoint SEOUL = new GeoPoint(37.57, 126.98);

  private TestNodes() {}

  /** An UP node in {@code region}: weight 10, 0 of 1,000 connections, tcp and ws addresses. */
  static CometNode node(String serverId, String region) {
    return CometNode.newBuilder()
        .setServerId(serverId)
        .setRegion(region)
        .setWeight(10)
        .setConnections(0)
        .setCapacity(1_000)
        .setState(NodeState.NODE_STATE_UP)
        .setTcpAddress(serverId + ":3101")
        .setWsAddress(serverId + ":3102")
        .setGrpcAddress(serverId + ":3109")
        .setEpoch(1)
        .build();
  }

  static CometNode node(String serverId, String region, int weight, long connections) {
    return node(serverId, region).toBuilder().setWeight(weight).setConnections(connections).build();
  }

  static ClientLocation at(GeoPoint point) {
    return ClientLocation.of(point, Optional.empty(), ClientLocation.Source.COORDINATES);
  }

  static List<String> ids(List<CometNode> nodes) {
    return nodes.stream().map(CometNode::getServerId).toList();
  }

  static List<String> regions(List<CometNode> nodes) {
    return nodes.stream().map(CometNode::getRegion).toList();
  }
}
