package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.AUTH_JSON;
import static io.herald.comet.transport.TransportFixture.encode;
import static io.herald.comet.transport.TransportFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.TransportKind;
import io.herald.testkit.proxy.ProxyHeader;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol on a TCP listener's pipeline, with embedded channels (their socket address is
 * the same for all, as behind one load balancer): the declared address is the client's for the
 * limiter and Logic; LOCAL keeps the socket's; a missing, malformed or late header closes that
 * connection only, counted by reason; a listener without the switch is untouched.
 */
class ProxyProtocolTest {
  private final TransportFixture fixture =
      new TransportFixture(
          new CometConfig.Limits(50, 100, 1, 200, 1000),
          new CometConfig.ProxyProtocol(true, false, false, false, Duration.ofSeconds(5)));

  private static ByteBuf bytes(byte[]... parts) {
    return Unpooled.wrappedBuffer(parts);
  }

  private static byte[] auth() {
    ByteBuf frame = encode(ProtocolVersion.V1, 7, 1, AUTH_JSON.getBytes(StandardCharsets.UTF_8));
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      return bytes;
    } finally {
      frame.release();
    }
  }

  private double headers(String result) {
    return fixture.count("herald.comet.proxy.headers", "transport", "tcp", "result", result);
  }

  /** A connection whose header (and AUTH, in the same packet) came in; AUTH_REPLY read. */
  private EmbeddedChannel authenticatedAs(byte[] header) {
    EmbeddedChannel channel = fixture.tcp();
    channel.writeInbound(bytes(header, auth()));
    WireFrame reply = read(channel);
    assertThat(reply).as("AUTH_REPLY").isNotNull();
    assertThat(reply.op()).isEqualTo(8);
    return channel;
  }

  private String lastClientIp() {
    return fixture.logic.connects.get(fixture.logic.connects.size() - 1).getClientIp();
  }

  @Test
  void aV1HeaderDeclaresTheClientThatLogicIsToldAndThenLeavesThePipeline() {
    EmbeddedChannel channel =
        authenticatedAs(ProxyHeader.v1("203.0.113.7", 51000, "10.0.0.1", 3101));

    assertThat(lastClientIp()).isEqualTo("203.0.113.7");
    assertThat(headers("proxied")).isEqualTo(1);
    assertThat(channel.pipeline().names()).doesNotContain("proxy", "proxy-decoder", "limiter");
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP)).isOne();
    channel.finishAndReleaseAll();
  }

  @Test
  void aV2HeaderArrivingOneByteAtATimeDeclaresAnIpv6Client() {
    EmbeddedChannel channel = fixture.tcp();
    byte[] header = ProxyHeader.v2("2001:db8::7", 51000, "2001:db8::1", 3101);
    for (byte b : header) {
      channel.writeInbound(bytes(new byte[] {b}));
    }
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP))
        .as("held back until the header is in")
        .isEqualTo(1);
    channel.writeInbound(bytes(auth()));
    assertThat(read(channel).op()).isEqualTo(8);
    assertThat(lastClientIp()).isEqualTo("2001:db8:0:0:0:0:0:7");
    channel.finishAndReleaseAll();
  }

  @Test
  void theConnectionIsHeldBackUntilItsHeaderArrives() {
    EmbeddedChannel channel = fixture.tcp();
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP)).isZero();
    channel.writeInbound(bytes(ProxyHeader.v1("203.0.113.7", 51000, "10.0.0.1", 3101)));
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP)).isOne();
    channel.finishAndReleaseAll();
  }

  @Test
  void aLocalHeaderKeepsTheSocketsAddress() {
    EmbeddedChannel channel = authenticatedAs(ProxyHeader.v2Local());
    assertThat(lastClientIp()).isEqualTo("embedded");
    assertThat(headers("local")).isEqualTo(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void anUnknownV1HeaderKeepsTheSocketsAddress() {
    EmbeddedChannel channel = authenticatedAs(ProxyHeader.v1Unknown());
    assertThat(lastClientIp()).isEqualTo("embedded");
    assertThat(headers("unknown")).isEqualTo(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void perIpLimitsCountDeclaredAddressesNotTheBalancers() {
    EmbeddedChannel first = authenticatedAs(ProxyHeader.v1("198.51.100.1", 1, "10.0.0.1", 3101));
    EmbeddedChannel second = authenticatedAs(ProxyHeader.v2("198.51.100.2", 2, "10.0.0.1", 3101));

    // connectionsPerIp is 1: the same declared address again is refused, with its AUTH unread.
    EmbeddedChannel third = fixture.tcp();
    third.writeInbound(bytes(ProxyHeader.v1("198.51.100.1", 3, "10.0.0.1", 3101), auth()));
    third.runPendingTasks();

    assertThat(third.isOpen()).isFalse();
    assertThat(fixture.logic.connects).hasSize(2);
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "per_ip")).isEqualTo(1);
    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(fixture.context.connectionLimiter().clientIps()).isEqualTo(2);

    // Closing the first gives its declared address's slot back.
    first.close();
    authenticatedAs(ProxyHeader.v1("198.51.100.1", 4, "10.0.0.1", 3101)).finishAndReleaseAll();
    first.finishAndReleaseAll();
    second.finishAndReleaseAll();
    third.finishAndReleaseAll();
  }

  @Test
  void aConnectionWithoutAHeaderIsClosedAtItsFirstByteAndCounted() {
    EmbeddedChannel channel = fixture.tcp();
    channel.writeInbound(bytes(auth()));

    assertThat(channel.isOpen()).isFalse();
    assertThat(headers("missing")).isEqualTo(1);
    assertThat(fixture.logic.connects).isEmpty();
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP)).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aMalformedHeaderClosesTheConnectionAndDropsWhatFollowed() {
    EmbeddedChannel channel = fixture.tcp();
    byte[] bad =
        "PROXY TCP4 203.0.113.999 10.0.0.1 51000 3101\r\n".getBytes(StandardCharsets.US_ASCII);
    channel.writeInbound(bytes(bad, auth()));

    assertThat(channel.isOpen()).isFalse();
    assertThat(headers("malformed")).isEqualTo(1);
    assertThat(fixture.logic.connects).isEmpty();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aHeaderNotCompleteWithinTheTimeoutClosesTheConnection() {
    EmbeddedChannel channel = fixture.tcp();
    channel.writeInbound(bytes("PROXY TCP4 203.0.11".getBytes(StandardCharsets.US_ASCII)));
    channel.advanceTimeBy(4, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(1, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isFalse();
    assertThat(headers("timeout")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aListenerWithoutTheSwitchTreatsAHeaderAsABadFrame() {
    TransportFixture plain = new TransportFixture();
    EmbeddedChannel channel = plain.tcp();
    assertThat(channel.pipeline().names()).doesNotContain("proxy", "proxy-decoder");

    channel.writeInbound(bytes(ProxyHeader.v1("203.0.113.7", 51000, "10.0.0.1", 3101), auth()));

    assertThat(channel.isOpen()).isFalse();
    assertThat(plain.logic.connects).isEmpty();
    assertThat(plain.meters.find("herald.comet.proxy.headers").counters()).isEmpty();
    // "PROX", read as a packet length, is far over the limit.
    assertThat(plain.count("herald.comet.protocol.errors", "reason", "frame_too_large"))
        .isEqualTo(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void aWebSocketListenerWithoutTheSwitchAnswersAHeaderAsABadRequest() {
    TransportFixture plain = new TransportFixture();
    EmbeddedChannel channel =
        new EmbeddedChannel(new WebSocketChannelInitializer(plain.context, null));
    String upgrade =
        "GET /sub HTTP/1.1\r\nHost: comet\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    channel.writeInbound(
        bytes(
            ProxyHeader.v1("203.0.113.7", 51000, "10.0.0.1", 3102),
            upgrade.getBytes(StandardCharsets.US_ASCII)));
    channel.runPendingTasks();

    ByteBuf response = channel.readOutbound();
    try {
      assertThat(response).as("a response").isNotNull();
      assertThat(response.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400");
    } finally {
      if (response != null) {
        response.release();
      }
    }
    assertThat(channel.isOpen()).isFalse();
    assertThat(plain.logic.connects).isEmpty();
    channel.finishAndReleaseAll();
  }
}
