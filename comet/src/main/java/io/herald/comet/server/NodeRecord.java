package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.Buckets;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.function.BooleanSupplier;

/**
 * This Comet's registry record: who it is, where clients and Job reach it, its load and its state.
 * An address left empty in {@code node.*Address} is derived from the listener, {@code host:port},
 * with the bound host, or 127.0.0.1 when the Comet binds every interface (so set the addresses when
 * other machines must reach it). A listener that is off has no address.
 */
final class NodeRecord {
  private final CometConfig.Node node;
  private final long epoch;
  private final Buckets buckets;
  private final BooleanSupplier draining;
  private final String tcpAddress;
  private final String wsAddress;
  private final String wssAddress;
  private final String grpcAddress;
  private final boolean loopbackOnly;

  NodeRecord(CometConfig config, long epoch, Buckets buckets, BooleanSupplier draining) {
    this.node = config.node();
    this.epoch = epoch;
    this.buckets = buckets;
    this.draining = draining;
    CometConfig.Listen listen = config.listen();
    String host = advertisedHost(listen.host());
    this.tcpAddress = address(node.tcpAddress(), host, listen.tcpPort());
    this.wsAddress = address(node.wsAddress(), host, listen.wsPort());
    this.wssAddress = address(node.wssAddress(), host, listen.wssPort());
    this.grpcAddress = address(node.grpcAddress(), host, listen.grpcPort());
    this.loopbackOnly =
        isWildcard(listen.host()) && (node.tcpAddress().isEmpty() || node.grpcAddress().isEmpty());
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /**
   * Whether clients or Job are told a 127.0.0.1 address (the Comet binds every interface and its
   * addresses are not configured): fine on one machine, unreachable from any other.
   */
  boolean loopbackOnly() {
    return loopbackOnly;
  }

  private static String advertisedHost(String host) {
    if (isWildcard(host)) {
      return "127.0.0.1";
    }
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String address(String configured, String host, int port) {
    if (!configured.isEmpty()) {
      return configured;
    }
    return port == 0 ? "" : host + ":" + port;
  }

  /** The record as of now: connection count and state included. */
  CometNode current() {
    return CometNode.newBuilder()
        .setServerId(node.serverId())
        .setRegion(node.region())
        .setLatitude(node.latitude())
        .setLongitude(node.longitude())
        .setWeight(node.weight())
        .setTcpAddress(tcpAddress)
        .setWsAddress(wsAddress)
        .setWssAddress(wssAddress)
        .setGrpcAddress(grpcAddress)
        .setConnections(buckets.size())
        .setCapacity(node.capacity())
        .setState(draining.getAsBoolean() ? NodeState.NODE_STATE_DRAINING : NodeState.NODE_STATE_UP)
        .setEpoch(epoch)
        .build();
  }

  /** Where it is reached, for logs. */
  @Override
  public String toString() {
    return "tcp "
        + tcpAddress
        + ", ws "
        + (wsAddress.isEmpty() ? "off" : wsAddress)
        + ", wss "
        + (wssAddress.isEmpty() ? "off" : wssAddress)
        + ", grpc "
        + grpcAddress;
  }
}
