package io.herald.wire.codec;

import static io.herald.wire.TestFrames.bodyText;
import static io.herald.wire.TestFrames.encoded;
import static io.herald.wire.TestFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.BadPacketLengthException;
import io.herald.wire.ChecksumMismatchException;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.FrameTooLargeException;
import io.herald.wire.MalformedBatchException;
import io.herald.wire.NotBinaryFrameException;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WebSocketFrameCodecTest {
  private static final FrameLimits CLIENT_LIMITS = new FrameLimits(64 * 1024);

  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new WebSocketFrameCodec(FrameLimits.DEFAULT), new RawBatchSplitter(FrameLimits.DEFAULT));

  @AfterEach
  void nothingLeftBehind() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void roundTripsOneFramePerBinaryMessage(ProtocolVersion version) {
    channel.writeOutbound(frame(version, Op.AUTH_REPLY, 1, ""));
    BinaryWebSocketFrame message = channel.readOutbound();
    assertThat(message.content().readableBytes()).isEqualTo(version.headerLength());

    channel.writeInbound(message);
    Frame received = channel.readInbound();

    assertThat(received.version()).isEqualTo(version);
    assertThat(received.op()).isEqualTo(Op.AUTH_REPLY);
    received.release();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void carriesAnOp9BatchInOneMessageAndSplitsItBack(ProtocolVersion version) {
    EmbeddedChannel server = new EmbeddedChannel(new WebSocketFrameCodec(FrameLimits.DEFAULT));
    EmbeddedChannel client =
        new EmbeddedChannel(
            new WebSocketFrameCodec(CLIENT_LIMITS), new RawBatchSplitter(CLIENT_LIMITS));
    Frame one = frame(version, 1000, 0, "first");
    Frame two = frame(version, 1001, 0, "second");

    server.writeOutbound(RawBatch.frame(ByteBufAllocator.DEFAULT, version, List.of(one, two)));
    BinaryWebSocketFrame message = server.readOutbound();
    assertThat(message.content().getInt(8)).isEqualTo(Op.RAW);
    client.writeInbound(message);

    Frame a = client.readInbound();
    Frame b = client.readInbound();
    assertThat(List.of(a.op(), b.op())).containsExactly(1000, 1001);
    assertThat(List.of(bodyText(a), bodyText(b))).containsExactly("first", "second");
    List.of(a, b, one, two).forEach(Frame::release);
    assertThat(server.finishAndReleaseAll()).isFalse();
    assertThat(client.finishAndReleaseAll()).isFalse();
  }

  @Test
  void sendsAnAlreadyEncodedFrameAsABinaryMessage() {
    Frame sent = frame(ProtocolVersion.V2, 1000, 0, "shared");
    ByteBuf encoded = encoded(sent);
    channel.writeOutbound(encoded);
    BinaryWebSocketFrame message = channel.readOutbound();
    assertThat(message.content()).isSameAs(encoded);
    message.release();
    sent.release();
  }

  @Test
  void refusesATextMessage() {
    TextWebSocketFrame text = new TextWebSocketFrame("{\"mid\":1}");
    assertThatThrownBy(() -> channel.writeInbound(text))
        .isInstanceOf(NotBinaryFrameException.class)
        .hasMessageContaining("TextWebSocketFrame");
    assertThat(text.refCnt()).isZero();
  }

  @Test
  void refusesAnUnaggregatedFragment() {
    Frame sent = frame(ProtocolVersion.V1, 1000, 0, "x");
    BinaryWebSocketFrame first = new BinaryWebSocketFrame(false, 0, encoded(sent));
    assertThatThrownBy(() -> channel.writeInbound(first))
        .isInstanceOf(NotBinaryFrameException.class);
    assertThatThrownBy(() -> channel.writeInbound(new ContinuationWebSocketFrame()))
        .isInstanceOf(NotBinaryFrameException.class);
    sent.release();
  }

  @Test
  void refusesBytesAfterTheFrameInOneMessage() {
    Frame sent = frame(ProtocolVersion.V1, 1000, 0, "x");
    ByteBuf content = encoded(sent).writeByte(0);
    assertThatThrownBy(() -> channel.writeInbound(new BinaryWebSocketFrame(content)))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessage("1 bytes follow the frame in one WebSocket message");
    assertThat(content.refCnt()).isZero();
    sent.release();
  }

  @Test
  void refusesOversizedAndCorruptFrames() {
    Frame big = new Frame(ProtocolVersion.V1, 1000, 0, Unpooled.buffer().writeZero(5000));
    assertThatThrownBy(() -> channel.writeInbound(new BinaryWebSocketFrame(encoded(big))))
        .isInstanceOf(FrameTooLargeException.class);
    Frame sent = frame(ProtocolVersion.V2, 1000, 0, "x");
    ByteBuf corrupt = encoded(sent);
    corrupt.setInt(16, 0);
    assertThatThrownBy(() -> channel.writeInbound(new BinaryWebSocketFrame(corrupt)))
        .isInstanceOf(ChecksumMismatchException.class);
    big.release();
    sent.release();
  }

  @Test
  void refusesABatchWithATruncatedInnerFrame() {
    Frame inner = frame(ProtocolVersion.V1, 1000, 0, "abc");
    ByteBuf body = encoded(inner);
    body.writerIndex(body.writerIndex() - 1);
    Frame batch = new Frame(ProtocolVersion.V1, Op.RAW, 0, body);
    ByteBuf message = encoded(batch);
    assertThatThrownBy(() -> channel.writeInbound(new BinaryWebSocketFrame(message)))
        .isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("frame 1 of the batch");
    inner.release();
    batch.release();
  }

  @Test
  void passesControlFramesThrough() {
    channel.writeInbound(new PingWebSocketFrame());
    PingWebSocketFrame ping = channel.readInbound();
    assertThat(ping).isNotNull();
    ping.release();
  }
}
