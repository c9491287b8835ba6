package io.herald.comet.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.ProtocolVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();

  @AfterEach
  void close() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private Connection connection(int... accepts) {
    return new Connection(
        channel, TransportKind.TCP, 1, 1, "k", "web", ProtocolVersion.V1, Set.of(), accepts);
  }

  @Test
  void namedAcceptsAreTheOnlyOpsPushed() {
    Connection connection = connection(1001, 1000, 1000);
    assertThat(connection.accepts(1000)).isTrue();
    assertThat(connection.accepts(1001)).isTrue();
    assertThat(connection.accepts(1002)).isFalse();
  }

  @Test
  void noAcceptsMeansEveryOp() {
    Connection connection = connection();
    assertThat(connection.accepts(1000)).isTrue();
    assertThat(connection.accepts(5)).isTrue();
  }

  @Test
  void subAndUnsubChangeTheNamedOps() {
    Connection connection = connection(1000);
    connection.subscribe(1001, 1002);
    assertThat(connection.accepts(1002)).isTrue();
    connection.unsubscribe(1000, 1002);
    assertThat(connection.accepts(1000)).isFalse();
    assertThat(connection.accepts(1001)).isTrue();
    connection.unsubscribe(1001);
    assertThat(connection.accepts(1001)).isFalse();
  }

  @Test
  void unsubscribingWhileAcceptingEverythingRefusesJustThoseOps() {
    Connection connection = connection();
    connection.unsubscribe(1000);
    assertThat(connection.accepts(1000)).isFalse();
    assertThat(connection.accepts(1001)).isTrue();
    connection.subscribe(1000);
    assertThat(connection.accepts(1000)).isTrue();
  }

  @Test
  void keepsItsTransportAndVersion() {
    Connection connection =
        new Connection(
            channel, TransportKind.WSS, 1, 1, "k", "web", ProtocolVersion.V2, Set.of(), null);
    assertThat(connection.transport()).isEqualTo(TransportKind.WSS);
    assertThat(connection.version()).isEqualTo(ProtocolVersion.V2);
    assertThat(connection(1000).transport()).isEqualTo(TransportKind.TCP);
    assertThat(connection(1000).version()).isEqualTo(ProtocolVersion.V1);
  }
}
