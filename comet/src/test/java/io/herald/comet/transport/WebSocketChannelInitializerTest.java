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
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
    drainServerOutput();
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
    drainServerOutput();
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

  private Frame receiveFrame() {
    server.runPendingTasks();
    for (ByteBuf buf; (buf = server.readOutbound()) != null; ) {
      clientDecoder.writeInbound(buf);
    }
    WebSocketFrame message = clientDecoder.readInbound();
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
