package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.TransportKind;
import io.herald.proto.common.v1.Transport;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The WebSocket pipeline, driven with real HTTP and WebSocket bytes a browser would send. */
class WebSocketChannelInitializerTest {
  private final TransportFixture fixture = new TransportFixture();
  private final EmbeddedChannel server =
      new EmbeddedChannel(new WebSocketChannelInitializer(fixture.context, null));

  /** Masks what the client sends, as browsers do. */
  private final EmbeddedChannel clientEncoder =
      new EmbeddedChannel(new WebSocket13FrameEncoder(true));

  /** Reads what the server sends (unmasked). */
  private final EmbeddedChannel clientDecoder =
      new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));

  @AfterEach
  void finish() {
    assertThat(server.close().isDone()).isTrue();
    drainServerOutput(); // a WebSocket close frame, if upgraded
    assertThat(server.finishAndReleaseAll()).isFalse();
    assertThat(clientEncoder.finishAndReleaseAll()).isFalse();
    assertThat(clientDecoder.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aBinaryMessageCarryingAuthOnTheConfiguredPathAuthenticates() {
    assertThat(upgrade("/sub")).startsWith("HTTP/1.1 101");

    sendMessage(
        new BinaryWebSocketFrame(
            frame(ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON)));

    Frame reply = receiveFrame();
    try {
      assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
      assertThat(reply.seq()).isEqualTo(1);
      assertThat(reply.version()).isEqualTo(ProtocolVersion.V1);
    } finally {
      reply.release();
    }
    assertThat(TransportFixture.connection(server)).isNotNull();
    assertThat(fixture.logic.connects.get(0).getTransport())
        .isEqualTo(Transport.TRANSPORT_WEBSOCKET);
    assertThat(fixture.logic.connects.get(0).getCookie()).isEqualTo("sid=abc");
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.WS)).isEqualTo(1);

    sendMessage(new BinaryWebSocketFrame(frame(ProtocolVersion.V1, Op.HEARTBEAT, 2, "")));
    Frame heartbeat = receiveFrame();
    try {
      assertThat(heartbeat.op()).isEqualTo(Op.HEARTBEAT_REPLY);
      assertThat(heartbeat.seq()).isEqualTo(2);
    } finally {
      heartbeat.release();
    }
  }

  @Test
  void aQueryStringOnThePathIsAllowed() {
    assertThat(upgrade("/sub?token=abc")).startsWith("HTTP/1.1 101");
  }

  @Test
  void aTextMessageIsAProtocolError() {
    upgrade("/sub");

    sendMessage(new TextWebSocketFrame("{\"mid\":1}"));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.logic.connects).isEmpty();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "not_binary")).isEqualTo(1);
    assertThat(closeCode()).as("unsupported data").isEqualTo(1003);
  }

  @Test
  void aClientLeavingInTheMiddleOfItsUpgradeRequestIsNoProtocolError() {
    // Found by WebSocketFuzzTest: the HTTP decoder hands on the cut-off request when the
    // connection closes; there is no one left to answer, and the client broke no rule.
    server.writeInbound(
        Unpooled.copiedBuffer("GET /sub HTTP/1.1\r\nHost: comet.exa", StandardCharsets.US_ASCII));

    server.close();

    assertThat(drainServerOutput()).isEmpty();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket")).isZero();
  }

  @Test
  void bytesAfterAnErrorFoundPastTheCodecAreNotDecoded() {
    // Found by WebSocketFuzzTest: a malformed op-9 batch closes the connection in the client
    // handler; the WebSocket frame after it in the same read must not be decoded (and counted).
    upgrade("/sub");
    clientEncoder.writeOutbound(
        new BinaryWebSocketFrame(frame(ProtocolVersion.V1, Op.RAW, 0, "xx")));
    ByteBuf batch = clientEncoder.readOutbound();
    ByteBuf unmasked = Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x00});

    server.writeInbound(Unpooled.wrappedBuffer(batch, unmasked));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "malformed_batch"))
        .isEqualTo(1);
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket")).isZero();
    assertThat(closeCode()).as("policy violation").isEqualTo(1008);
  }

  @Test
  void anotherPathIsNotFound() {
    assertThat(upgrade("/other")).startsWith("HTTP/1.1 404");
    assertThat(server.isOpen()).isFalse();
  }

  @Test
  void aMessageOverTheLimitClosesTheConnection() {
    upgrade("/sub");

    sendMessage(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[20 + 4096 + 1])));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "frame_too_large"))
        .isEqualTo(1);
    assertThat(closeCode()).as("message too big").isEqualTo(1009);
  }

  @Test
  void theUpgradeAnswersRfc6455sAcceptKeyAndLeavesOneWebSocketHandler() {
    String response = upgrade("/sub");

    assertThat(response)
        .startsWith("HTTP/1.1 101")
        .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assertThat(server.pipeline().names())
        .as("the HTTP handlers and the upgrade handler are gone")
        .containsExactly(
            WebSocketUpgrade.WEBSOCKET,
            ClientChannelInitializer.AUTH,
            "DefaultChannelPipeline$TailContext#0");

    authenticate();

    assertThat(server.pipeline().names())
        .containsExactly(
            WebSocketUpgrade.WEBSOCKET,
            ClientChannelInitializer.CONNECTION,
            "DefaultChannelPipeline$TailContext#0");
  }

  @Test
  void aMessageInFragmentsIsOneFrame() {
    upgrade("/sub");
    ByteBuf auth = frame(ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON);
    int half = auth.readableBytes() / 2;

    sendMessage(new BinaryWebSocketFrame(false, 0, auth.readRetainedSlice(half)));
    sendMessage(new ContinuationWebSocketFrame(false, 0, auth.readRetainedSlice(3)));
    sendMessage(
        new ContinuationWebSocketFrame(true, 0, auth.readRetainedSlice(auth.readableBytes())));
    auth.release();

    Frame reply = receiveFrame();
    try {
      assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
    } finally {
      reply.release();
    }
    assertThat(fixture.logic.connects).hasSize(1);
  }

  @Test
  void aClientGoneInTheMiddleOfAFragmentedMessageIsNoProtocolError() {
    upgrade("/sub");
    sendMessage(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[100])));
    clientEncoder.writeOutbound(
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[100])));
    ByteBuf continuation = clientEncoder.readOutbound();
    server.writeInbound(continuation.readRetainedSlice(10)); // the client goes with 10 bytes sent
    continuation.release();

    server.close();

    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket"))
        .as("a connection that ends mid-message broke no rule")
        .isZero();
  }

  @Test
  void fragmentsOverTheLimitTogetherCloseTheConnection() {
    upgrade("/sub");

    sendMessage(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[4000])));
    sendMessage(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[200])));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "frame_too_large"))
        .isEqualTo(1);
    assertThat(closeCode()).isEqualTo(1009);
  }

  @Test
  void pingIsAnsweredWithItsPayloadAndPongIsDropped() {
    upgrade("/sub");

    sendMessage(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    sendMessage(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4})));

    WebSocketFrame pong = receiveMessage();
    try {
      assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
      assertThat(ByteBufUtil.getBytes(pong.content())).containsExactly(1, 2, 3);
    } finally {
      pong.release();
    }
    assertThat(server.isOpen()).isTrue();
    server.runPendingTasks();
    assertThat(server.outboundMessages()).as("nothing for the pong").isEmpty();
  }

  @Test
  void aCloseFromTheClientIsEchoedAndClosesTheConnection() {
    upgrade("/sub");

    sendMessage(new CloseWebSocketFrame(1001, "bye"));

    assertThat(server.isOpen()).isFalse();
    assertThat(closeCode()).isEqualTo(1001);
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket")).isZero();
  }

  @Test
  void aServerSideCloseSaysNormalClosure() {
    upgrade("/sub");

    assertThat(server.close().isDone()).isTrue();

    assertThat(closeCode()).isEqualTo(1000);
  }

  /** Bytes no conforming client sends, each with what it is. */
  static Stream<Arguments> brokenFrames() {
    return Stream.of(
        Arguments.of("unmasked", new byte[] {(byte) 0x82, 0x00}),
        Arguments.of("RSV1 set", new byte[] {(byte) 0xC2, (byte) 0x80, 0, 0, 0, 0}),
        Arguments.of("opcode 3", new byte[] {(byte) 0x83, (byte) 0x80, 0, 0, 0, 0}),
        Arguments.of("opcode 11", new byte[] {(byte) 0x8B, (byte) 0x80, 0, 0, 0, 0}),
        Arguments.of("continuation first", new byte[] {(byte) 0x80, (byte) 0x80, 0, 0, 0, 0}),
        Arguments.of("fragmented ping", new byte[] {(byte) 0x09, (byte) 0x80, 0, 0, 0, 0}),
        Arguments.of(
            "ping of 126 bytes", new byte[] {(byte) 0x89, (byte) 0xFE, 0, 126, 0, 0, 0, 0}),
        Arguments.of(
            "length not shortest", new byte[] {(byte) 0x82, (byte) 0xFE, 0, 5, 0, 0, 0, 0}),
        Arguments.of("one-byte close", new byte[] {(byte) 0x88, (byte) 0x81, 0, 0, 0, 0, 3}),
        Arguments.of(
            "close code 1005",
            new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xED}),
        Arguments.of(
            "new message inside a fragmented one",
            new byte[] {0x02, (byte) 0x80, 0, 0, 0, 0, (byte) 0x82, (byte) 0x80, 0, 0, 0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFrames")
  void aBrokenWebSocketFrameIsAProtocolError(String what, byte[] bytes) {
    upgrade("/sub");

    server.writeInbound(Unpooled.wrappedBuffer(bytes));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket"))
        .isEqualTo(1);
    assertThat(closeCode()).as("protocol error").isEqualTo(1002);
    assertThat(fixture.logic.connects).isEmpty();
  }

  @Test
  void bytesAfterTheFrameInAMessageAreAHeraldProtocolError() {
    upgrade("/sub");
    ByteBuf twoFrames =
        Unpooled.wrappedBuffer(
            frame(ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON),
            frame(ProtocolVersion.V1, Op.HEARTBEAT, 2, ""));

    sendMessage(new BinaryWebSocketFrame(twoFrames));

    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_packet_length"))
        .isEqualTo(1);
    assertThat(closeCode()).as("policy violation").isEqualTo(1008);
    assertThat(fixture.logic.connects).isEmpty();
  }

  @Test
  void anUpgradeWithoutItsHeadersOrWithAnotherVersionIsRefused() {
    String noKey =
        rawRequest(
            "GET /sub HTTP/1.1\r\nHost: c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
    assertThat(noKey).startsWith("HTTP/1.1 400");
    assertThat(server.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket"))
        .isEqualTo(1);
  }

  @Test
  void anotherWebSocketVersionIsToldWhichOneIsSpoken() {
    String response =
        rawRequest(
            "GET /sub HTTP/1.1\r\nHost: c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
    assertThat(response)
        .startsWith("HTTP/1.1 426")
        .containsIgnoringCase("sec-websocket-version: 13");
    assertThat(server.isOpen()).isFalse();
  }

  @Test
  void anotherMethodIsForbidden() {
    String response =
        rawRequest(
            "POST /sub HTTP/1.1\r\nHost: c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Content-Length: 0\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 403");
    assertThat(server.isOpen()).isFalse();
  }

  private void authenticate() {
    sendMessage(
        new BinaryWebSocketFrame(
            frame(ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON)));
    receiveFrame().release();
  }

  private String rawRequest(String request) {
    server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    return drainServerOutput();
  }

  /** The status code of the close frame the server sent; other frames before it are skipped. */
  private int closeCode() {
    server.runPendingTasks();
    for (ByteBuf buf; (buf = server.readOutbound()) != null; ) {
      clientDecoder.writeInbound(buf);
    }
    for (WebSocketFrame message; (message = clientDecoder.readInbound()) != null; ) {
      try {
        if (message instanceof CloseWebSocketFrame close) {
          return close.statusCode();
        }
      } finally {
        message.release();
      }
    }
    throw new AssertionError("no close frame");
  }

  /** Sends the opening handshake for {@code path}; returns the server's HTTP response. */
  private String upgrade(String path) {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: comet.example\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Cookie: sid=abc\r\n"
            + "\r\n";
    server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    return drainServerOutput();
  }

  private String drainServerOutput() {
    server.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object message; (message = server.readOutbound()) != null; ) {
      if (message instanceof ByteBuf buf) {
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(message);
    }
    return out.toString();
  }

  private void sendMessage(WebSocketFrame message) {
    clientEncoder.writeOutbound(message);
    for (ByteBuf buf; (buf = clientEncoder.readOutbound()) != null; ) {
      server.writeInbound(buf);
    }
  }

  private WebSocketFrame receiveMessage() {
    server.runPendingTasks();
    for (ByteBuf buf; (buf = server.readOutbound()) != null; ) {
      clientDecoder.writeInbound(buf);
    }
    WebSocketFrame message = clientDecoder.readInbound();
    assertThat(message).isNotNull();
    return message;
  }

  private Frame receiveFrame() {
    WebSocketFrame message = receiveMessage();
    assertThat(message).isInstanceOf(BinaryWebSocketFrame.class);
    try {
      return FrameCodec.decode(message.content(), FrameLimits.DEFAULT);
    } finally {
      message.release();
    }
  }

  private static ByteBuf frame(ProtocolVersion version, int op, int seq, String body) {
    return TransportFixture.encode(version, op, seq, body.getBytes(StandardCharsets.UTF_8));
  }
}
