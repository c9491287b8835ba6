package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.balancer.NodeSelectors;
import io.herald.balancer.SelectionConfig;
import io.herald.proto.logic.v1.NodesResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.registry.RegistryListener;
import io.herald.registry.RegistryView;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GoimNodesTest {

  @Test
  void takesTheHostOfEachAddressForm() {
    assertThat(GoimNodes.host("10.0.0.5:3101")).isEqualTo("10.0.0.5");
    assertThat(GoimNodes.host("comet-1.example:3102")).isEqualTo("comet-1.example");
    assertThat(GoimNodes.host("[2001:db8::1]:3101")).isEqualTo("2001:db8::1");
    assertThat(GoimNodes.host("2001:db8::1")).isEqualTo("2001:db8::1");
    assertThat(GoimNodes.host("comet-1.example")).isEqualTo("comet-1.example");
  }

  @Test
  void takesThePortOfEachAddressForm() {
    assertThat(GoimNodes.port("10.0.0.5:3101")).isEqualTo(3101);
    assertThat(GoimNodes.port("[2001:db8::1]:3102")).isEqualTo(3102);
    assertThat(GoimNodes.port("2001:db8::1")).isZero();
    assertThat(GoimNodes.port("[2001:db8::1]")).isZero();
    assertThat(GoimNodes.port("comet-1.example")).isZero();
    assertThat(GoimNodes.port("comet-1.example:x")).isZero();
    assertThat(GoimNodes.port("")).isZero();
  }

  @Test
  void portsAreValidatedAndZeroMeansNotServedThroughTheDomain() {
    assertThatThrownBy(() -> new GoimNodes.Config("", -1, 3102, 3103))
        .hasMessage("tcpPort: -1 (expected: 0-65535)");
    assertThat(new GoimNodes.Config("conn.example", 3101, 3102, 0).wssPort()).isZero();
  }

  @Test
  void portsAreThoseTheCometsServeAndZeroForATransportNoneServes() {
    GoimNodes nodes =
        nodes(
            GoimNodes.Config.DEFAULT,
            comet("a", "10.0.0.1:5101", "10.0.0.1:5102", ""),
            comet("b", "10.0.0.2:5101", "", ""));

    NodesResponse android = nodes.nodes("android", "127.0.0.1");
    assertThat(android.getNodesList()).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(android.getTcpPort()).isEqualTo(5101);
    assertThat(android.getWsPort()).isEqualTo(5102);
    assertThat(android.getWssPort()).isZero();
    NodesResponse web = nodes.nodes("web", "127.0.0.1");
    assertThat(web.getNodesList()).containsExactly("10.0.0.1");
    assertThat(web.getWsPort()).isEqualTo(5102);
  }

  @Test
  void aCometServingTheTransportOnAnotherPortIsNotListed() {
    GoimNodes nodes =
        nodes(
            GoimNodes.Config.DEFAULT,
            comet("a", "10.0.0.1:5101", "", ""),
            comet("b", "10.0.0.2:6101", "", ""));

    NodesResponse reply = nodes.nodes("android", "127.0.0.1");

    assertThat(reply.getNodesList()).hasSize(1);
    String listed = reply.getNodesList().get(0);
    assertThat(reply.getTcpPort()).isEqualTo(listed.equals("10.0.0.1") ? 5101 : 6101);
  }

  @Test
  void webClientsGetWssHostsWhenNoListedCometServesPlainWebSocket() {
    GoimNodes nodes = nodes(GoimNodes.Config.DEFAULT, comet("a", "", "", "a.example:443"));

    NodesResponse web = nodes.nodes("web", "127.0.0.1");

    assertThat(web.getNodesList()).containsExactly("a.example");
    assertThat(web.getWsPort()).isZero();
    assertThat(web.getWssPort()).isEqualTo(443);
    assertThat(web.getTcpPort()).isZero();
  }

  @Test
  void withNoCometTheDomainIsListedWithItsConfiguredPortsOrNothingWithNone() {
    NodesResponse domain =
        nodes(new GoimNodes.Config("conn.example", 3101, 3102, 0)).nodes("android", "127.0.0.1");
    assertThat(domain.getNodesList()).containsExactly("conn.example");
    assertThat(domain.getTcpPort()).isEqualTo(3101);
    assertThat(domain.getWsPort()).isEqualTo(3102);
    assertThat(domain.getWssPort()).isZero();

    NodesResponse none = nodes(GoimNodes.Config.DEFAULT).nodes("android", "127.0.0.1");
    assertThat(none.getNodesList()).isEmpty();
    assertThat(List.of(none.getTcpPort(), none.getWsPort(), none.getWssPort())).containsOnly(0);
  }

  private static GoimNodes nodes(GoimNodes.Config config, CometNode... comets) {
    RegistryView registry = new FixedRegistry(List.of(comets));
    return new GoimNodes(
        NodeSelectors.open(SelectionConfig.defaults(), registry).selector(), config);
  }

  private static CometNode comet(String id, String tcp, String ws, String wss) {
    return CometNode.newBuilder()
        .setServerId(id)
        .setWeight(10)
        .setTcpAddress(tcp)
        .setWsAddress(ws)
        .setWssAddress(wss)
        .setGrpcAddress("127.0.0.1:3109")
        .setCapacity(1000)
        .setState(NodeState.NODE_STATE_UP)
        .build();
  }

  /** A registry snapshot that never changes. */
  private record FixedRegistry(List<CometNode> nodes) implements RegistryView {
    @Override
    public Optional<CometNode> node(String serverId) {
      return nodes.stream().filter(n -> n.getServerId().equals(serverId)).findFirst();
    }

    @Override
    public void addListener(RegistryListener listener) {}

    @Override
    public void removeListener(RegistryListener listener) {}
  }
}
