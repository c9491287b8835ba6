package io.herald.testkit.cluster;

import io.herald.testkit.FreePorts;

/** A Comet's listeners: client TCP and WebSocket, gRPC for Job, admin (health, metrics). */
public record CometPorts(int tcp, int ws, int grpc, int admin) {
  /** Free ports. */
  public static CometPorts free() {
    return new CometPorts(FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next());
  }
}
