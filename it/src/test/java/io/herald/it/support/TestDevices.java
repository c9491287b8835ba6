package io.herald.it.support;

import io.herald.client.HeartbeatPolicy;
import io.herald.client.HeraldClient;
import io.herald.client.ReconnectPolicy;
import io.herald.client.Transport;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.wire.ProtocolVersion;
import java.time.Duration;

/** How the end-to-end tests build SDK clients: quick to notice a dead node and to come back. */
public final class TestDevices {
  /** Heartbeats every second, a dead connection noticed within 3 s. */
  public static final HeartbeatPolicy FAST_HEARTBEAT =
      HeartbeatPolicy.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(3));

  /** Reconnects from 100 ms, doubling to 1 s, for up to a minute. */
  public static final ReconnectPolicy QUICK_RECONNECT =
      new ReconnectPolicy(
          Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(1), 5, Duration.ofSeconds(60));

  private TestDevices() {}

  /**
   * A protocol 2 TCP client of {@code mid} that walks {@code comets}' TCP ports, accepts op 1000,
   * with {@link #FAST_HEARTBEAT} and {@link #QUICK_RECONNECT}.
   */
  public static HeraldClient.Builder tcp(long mid, HeraldCluster.Comet... comets) {
    String[] nodes = new String[comets.length];
    for (int i = 0; i < comets.length; i++) {
      nodes[i] = "127.0.0.1:" + comets[i].tcpPort();
    }
    return HeraldClient.builder()
        .nodes(nodes)
        .transport(Transport.TCP)
        .protocolVersion(ProtocolVersion.V2)
        .mid(mid)
        .accepts(1000)
        .heartbeat(FAST_HEARTBEAT)
        .reconnect(QUICK_RECONNECT);
  }
}
