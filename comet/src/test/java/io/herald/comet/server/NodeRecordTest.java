package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.comet.config.Transport;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.ops.tls.InternalTls;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.wire.ProtocolVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NodeRecordTest {
  private final Buckets buckets = new Buckets(2);
  private final AtomicBoolean leaving = new AtomicBoolean();

  private static CometConfig config(CometConfig.Node node, String host, int wsPort, int wssPort) {
    CometConfig defaults = CometConfig.defaults();
    return new CometConfig(
        node,
        new CometConfig.Listen(
            host,
            4101,
            wsPort,
            wssPort,
            0,
            4109,
            0,
            "/sub",
            new CometConfig.Tls(wssPort == 0 ? "" : "c.pem", wssPort == 0 ? "" : "k.pem"),
            CometConfig.ProxyProtocol.OFF,
            Transport.AUTO,
            InternalTls.OFF),
        defaults.protocol(),
        defaults.heartbeat(),
        defaults.limits(),
        defaults.outbound(),
        defaults.logic(),
        defaults.registry(),
        defaults.onlineReport(),
        defaults.drain(),
        defaults.delivery(),
        defaults.admin());
  }

  private static CometConfig.Node node(String tcp, String ws, String wss, String grpc) {
    return node("", tcp, ws, wss, grpc);
  }

  private static CometConfig.Node node(
      String host, String tcp, String ws, String wss, String grpc) {
    return new CometConfig.Node(
        "comet-x", "cn-east", 31.2, 121.5, 20, 5000, host, tcp, ws, wss, grpc);
  }

  @Test
  void describesTheNodeWithItsLoadAndState() {
    NodeRecord record =
        new NodeRecord(
            config(
                node("a.example:3101", "a.example:3102", "", "10.0.0.1:3109"), "0.0.0.0", 4102, 0),
            777,
            buckets,
            leaving::get);
    EmbeddedChannel channel = new EmbeddedChannel();
    buckets.add(
        new Connection(
            channel, TransportKind.TCP, 1, 1, "k", "web", ProtocolVersion.V1, Set.of(), null));

    CometNode node = record.current();

    assertThat(node.getServerId()).isEqualTo("comet-x");
    assertThat(node.getRegion()).isEqualTo("cn-east");
    assertThat(node.getLatitude()).isEqualTo(31.2);
    assertThat(node.getLongitude()).isEqualTo(121.5);
    assertThat(node.getWeight()).isEqualTo(20);
    assertThat(node.getCapacity()).isEqualTo(5000);
    assertThat(node.getTcpAddress()).isEqualTo("a.example:3101");
    assertThat(node.getWsAddress()).isEqualTo("a.example:3102");
    assertThat(node.getWssAddress()).isEmpty();
    assertThat(node.getGrpcAddress()).isEqualTo("10.0.0.1:3109");
    assertThat(node.getConnections()).isOne();
    assertThat(node.getEpoch()).isEqualTo(777);
    assertThat(node.getState()).isEqualTo(NodeState.NODE_STATE_UP);

    leaving.set(true);
    assertThat(record.current().getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void addressesNotConfiguredComeFromTheListeners() {
    CometNode bound =
        new NodeRecord(
                config(node("", "", "", ""), "10.1.2.3", 4102, 4103), 1, buckets, () -> false)
            .current();
    assertThat(bound.getTcpAddress()).isEqualTo("10.1.2.3:4101");
    assertThat(bound.getWsAddress()).isEqualTo("10.1.2.3:4102");
    assertThat(bound.getWssAddress()).isEqualTo("10.1.2.3:4103");
    assertThat(bound.getGrpcAddress()).isEqualTo("10.1.2.3:4109");

    CometNode wildcard =
        new NodeRecord(config(node("", "", "", ""), "0.0.0.0", 0, 0), 1, buckets, () -> false)
            .current();
    assertThat(wildcard.getTcpAddress()).isEqualTo("127.0.0.1:4101");
    assertThat(wildcard.getWsAddress()).as("listener off").isEmpty();
    assertThat(wildcard.getGrpcAddress()).isEqualTo("127.0.0.1:4109");

    CometNode ipv6 =
        new NodeRecord(config(node("", "", "", ""), "fd00::5", 0, 0), 1, buckets, () -> false)
            .current();
    assertThat(ipv6.getTcpAddress()).isEqualTo("[fd00::5]:4101");
  }

  /**
   * A second Comet on the same machine needs only its ports and id: every address follows from
   * node.host (or the listen host) and the listeners' ports, and a listener turned off has none.
   */
  @Test
  void addressesFollowNodeHostAndThePortsAndAnOffListenerHasNone() {
    CometNode first =
        new NodeRecord(
                config(node("127.0.0.1", "", "", "", ""), "127.0.0.1", 4102, 0),
                1,
                buckets,
                () -> false)
            .current();
    assertThat(first.getTcpAddress()).isEqualTo("127.0.0.1:4101");
    assertThat(first.getWsAddress()).isEqualTo("127.0.0.1:4102");
    assertThat(first.getWssAddress()).as("listener off").isEmpty();
    assertThat(first.getGrpcAddress()).isEqualTo("127.0.0.1:4109");

    NodeRecord published =
        new NodeRecord(
            config(
                node("comet-sh-01.example.com", "", "", "", "10.0.1.21:4109"),
                "0.0.0.0",
                4102,
                4103),
            1,
            buckets,
            () -> false);
    CometNode node = published.current();
    assertThat(node.getTcpAddress()).isEqualTo("comet-sh-01.example.com:4101");
    assertThat(node.getWsAddress()).isEqualTo("comet-sh-01.example.com:4102");
    assertThat(node.getWssAddress()).isEqualTo("comet-sh-01.example.com:4103");
    assertThat(node.getGrpcAddress()).as("set: another network").isEqualTo("10.0.1.21:4109");
    assertThat(published.loopbackOnly()).isFalse();
    assertThat(
            new NodeRecord(config(node("", "", "", ""), "0.0.0.0", 0, 0), 1, buckets, () -> false)
                .loopbackOnly())
        .isTrue();

    CometNode ipv6 =
        new NodeRecord(config(node("fd00::7", "", "", "", ""), "::", 0, 0), 1, buckets, () -> false)
            .current();
    assertThat(ipv6.getTcpAddress()).isEqualTo("[fd00::7]:4101");
  }
}
