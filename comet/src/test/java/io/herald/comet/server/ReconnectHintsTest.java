package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.TransportKind;
import io.herald.proto.common.v1.NodeAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectHintsTest {
  private static final NodeAddress FULL =
      NodeAddress.newBuilder()
          .setServerId("comet-b")
          .setTcp("b:3101")
          .setWs("b:3102")
          .setWss("b.example:3103")
          .build();
  private static final NodeAddress TCP_ONLY =
      NodeAddress.newBuilder().setServerId("comet-c").setTcp("c:3101").build();

  private final ReconnectHints hints = new ReconnectHints(List.of(FULL, TCP_ONLY));

  @Test
  void eachTransportGetsTheHintedAddressesItCanUseInOrder() {
    assertThat(hints.body(TransportKind.TCP))
        .isEqualTo("{\"reason\":\"draining\",\"nodes\":[\"b:3101\",\"c:3101\"]}");
    assertThat(hints.body(TransportKind.WS))
        .isEqualTo("{\"reason\":\"draining\",\"nodes\":[\"b:3102\"]}");
    assertThat(hints.body(TransportKind.WSS))
        .isEqualTo("{\"reason\":\"draining\",\"nodes\":[\"b.example:3103\"]}");
  }

  @Test
  void tcpTlsClientsAndClientsWithoutHintsAskTheBalancer() {
    assertThat(hints.body(TransportKind.TCP_TLS))
        .isEqualTo("{\"reason\":\"draining\",\"nodes\":[]}");
    assertThat(new ReconnectHints(List.of()).body(TransportKind.WS))
        .isEqualTo("{\"reason\":\"draining\",\"nodes\":[]}");
  }

  @Test
  void aChannelWithoutATransportIsTreatedAsTcp() {
    assertThat(hints.body(null)).isEqualTo(hints.body(TransportKind.TCP));
  }
}
