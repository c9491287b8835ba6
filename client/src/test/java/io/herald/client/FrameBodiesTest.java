package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON bodies the client writes and reads: AUTH, AUTH_REPLY, RECONNECT, Balancer /nodes. */
class FrameBodiesTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void authIsGoimsJsonWithTheTokenOnlyWhenGiven() {
    assertThat(
            new String(
                FrameBodies.json(123, "", "live://1000", "web", List.of(1000, 1001), ""),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"mid\":123,\"key\":\"\",\"room_id\":\"live://1000\",\"platform\":\"web\","
                + "\"accepts\":[1000,1001]}");
    assertThat(
            new String(FrameBodies.json(1, "k", "", "ios", List.of(), "t"), StandardCharsets.UTF_8))
        .endsWith(",\"accepts\":[],\"token\":\"t\"}");
  }

  @Test
  void authReplyOfVersion2IsReadAndVersion1sIsEmpty() {
    FrameBodies.Reply reply =
        FrameBodies.Reply.parse(utf8("{\"mid\":7,\"key\":\"abc\",\"heartbeat_ms\":240000}"));
    assertThat(reply).isEqualTo(new FrameBodies.Reply(7L, "abc", 240000));
    assertThat(FrameBodies.Reply.parse(new byte[0])).isEqualTo(FrameBodies.Reply.EMPTY);
  }

  @Test
  void reconnectBodiesGiveTheHintsAndToleratesGarbage() {
    assertThat(
            FrameBodies.Reconnect.parse(
                utf8("{\"reason\":\"draining\",\"nodes\":[\"a:1\",\"\",\"b:2\"]}")))
        .isEqualTo(new FrameBodies.Reconnect("draining", List.of("a:1", "b:2")));
    assertThat(FrameBodies.Reconnect.parse(utf8("not json")).nodes()).isEmpty();
  }

  @Test
  void balancerNodesGiveTheTransportsAddressesInOrder() {
    byte[] body =
        utf8(
            "{\"nodes\":[{\"server_id\":\"a\",\"tcp\":\"a:3101\",\"ws\":\"a:3102\"},"
                + "{\"server_id\":\"b\",\"tcp\":\"b:3101\",\"ws\":\"\"}],\"located_by\":\"unknown\"}");
    assertThat(BalancerNodes.addresses(body, Transport.TCP)).containsExactly("a:3101", "b:3101");
    assertThat(BalancerNodes.addresses(body, Transport.WEBSOCKET)).containsExactly("a:3102");
  }

  @Test
  void nodeAddressesParse() {
    assertThat(HostPort.parse("127.0.0.1:3101")).isEqualTo(new HostPort("127.0.0.1", 3101));
    assertThat(HostPort.parse("[::1]:3102").host()).isEqualTo("::1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostPort.parse("nohost"))
        .hasMessage("node: 'nohost' (expected: host:port)");
  }
}
