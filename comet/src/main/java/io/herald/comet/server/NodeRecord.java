package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.Buckets;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.function.BooleanSupplier;

/**
 * This Comet's registry record: who it is, where clients and Job reach it ({@link
 * CometConfig#advertised()}: configured, or derived from {@code node.host} and the listeners'
 * ports), its load and its state.
 */
final class NodeRecord {
  private final CometConfig.Node node;
  private final long epoch;
  private final Buckets buckets;
  private final BooleanSupplier draining;
  private final CometConfig.Advertised addresses;

  NodeRecord(CometConfig config, long epoch, Buckets buckets, BooleanSupplier draining) {
    this.node = config.node();
    this.epoch = epoch;
    this.buckets = buckets;
    this.draining = draining;
    this.addresses = config.advertised();
  }

  /**
   * Whether clients or Job are told a 127.0.0.1 address (the Comet binds every interface and
   * neither {@code node.host} nor its addresses are set): fine on one machine, unreachable from any
   * other.
   */
  boolean loopbackOnly() {
    return addresses.loopbackOnly();
  }

  /** The record as of now: connection count and state included. */
  CometNode current() {
    return CometNode.newBuilder()
        .setServerId(node.serverId())
        .setRegion(node.region())
        .setLatitude(node.latitude())
        .setLongitude(node.longitude())
        .setWeight(node.weight())
        .setTcpAddress(addresses.tcp())
        .setWsAddress(addresses.ws())
        .setWssAddress(addresses.wss())
        .setGrpcAddress(addresses.grpc())
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
        + addresses.tcp()
        + ", ws "
        + (addresses.ws().isEmpty() ? "off" : addresses.ws())
        + ", wss "
        + (addresses.wss().isEmpty() ? "off" : addresses.wss())
        + ", grpc "
        + addresses.grpc();
  }
}
