package io.herald.comet.grpc;

import io.herald.proto.common.v1.NodeAddress;
import java.time.Duration;
import java.util.List;

/** Starts draining the Comet the service runs in ({@code CometServer.drain}). */
@FunctionalInterface
public interface Drainer {

  /**
   * Starts draining, or reports the drain already under way; returns at once.
   *
   * @param hints nodes to suggest to clients, best first; empty: clients ask the Balancer
   * @param grace how long clients get to leave before the rest are closed
   * @throws CometStoppingException if the Comet is already stopping
   */
  DrainStatus drain(List<NodeAddress> hints, Duration grace);
}
