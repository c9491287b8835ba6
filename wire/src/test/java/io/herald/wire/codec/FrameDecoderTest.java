package io.herald.wire.codec;

import static io.herald.wire.TestFrames.bodyText;
import static io.herald.wire.TestFrames.encoded;
import static io.herald.wire.TestFrames.frame;
import static io.herald.wire.TestFrames.rawHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.BadHeaderException;
import io.herald.wire.BadPacketLengthException;
import io.herald.wire.ChecksumMismatchException;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.FrameTooLargeException;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameDecoderTest {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new FrameDecoder(FrameLimits.DEFAULT), TcpFrameEncoder.INSTANCE);

  @AfterEach
  void nothingLeftBehind() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void roundTripsThroughEncoderAndDecoder(ProtocolVersion version) {
    assertThat(channel.writeOutbound(frame(version, 1000, 3, "room message"))).isTrue();
    ByteBuf wire = channel.readOutbound();

    assertThat(channel.writeInbound(wire)).isTrue();
    Frame received = channel.readInbound();

    assertThat(received.version()).isEqualTo(version);
    assertThat(received.op()).isEqualTo(1000);
    assertThat(received.seq()).isEqualTo(3);
    assertThat(bodyText(received)).isEqualTo("room message");
    received.release();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void decodesInputSplitOneByteAtATime(ProtocolVersion version) {
    Frame sent = frame(version, Op.AUTH, 1, "{\"mid\":123,\"room_id\":\"live://1000\"}");
    ByteBuf wire = encoded(sent);
    while (wire.isReadable()) {
      channel.writeInbound(wire.readRetainedSlice(1));
    }
    wire.release();

    Frame received = channel.readInbound();
    assertThat(received).isEqualTo(sent);
    assertThat((Object) channel.readInbound()).isNull();
    received.release();
    sent.release();
  }

  @Test
  void decodesTwoFramesInOneBufferOfMixedVersions() {
    ByteBuf wire = Unpooled.buffer();
    Frame first = frame(ProtocolVersion.V1, Op.HEARTBEAT, 1, "");
    Frame second = frame(ProtocolVersion.V2, Op.SEND_MSG, 2, "up");
    wire.writeBytes(encoded(first)).writeBytes(encoded(second));

    channel.writeInbound(wire);

    Frame a = channel.readInbound();
    Frame b = channel.readInbound();
    assertThat(a).isEqualTo(first);
    assertThat(b).isEqualTo(second);
    List.of(a, b, first, second).forEach(Frame::release);
  }

  @Test
  void writesAnOp9BatchAsItsInnerFramesSoTheyArriveAsOrdinaryFrames() {
    Frame one = frame(ProtocolVersion.V1, 1000, 0, "one");
    Frame two = frame(ProtocolVersion.V1, 1000, 0, "two");
    Frame batch = RawBatch.frame(ByteBufAllocator.DEFAULT, ProtocolVersion.V1, List.of(one, two));

    channel.writeOutbound(batch);
    ByteBuf wire = channel.readOutbound();
    assertThat(wire.readableBytes()).isEqualTo(2 * (16 + 3));
    channel.writeInbound(wire);

    Frame a = channel.readInbound();
    Frame b = channel.readInbound();
    assertThat(bodyText(a)).isEqualTo("one");
    assertThat(bodyText(b)).isEqualTo("two");
    List.of(a, b, one, two).forEach(Frame::release);
  }

  @Test
  void refusesAnOversizedFrameFromItsFirstFourBytes() {
    ByteBuf prefix = Unpooled.buffer().writeInt(20 + 4097);
    assertThatThrownBy(() -> channel.writeInbound(prefix))
        .isInstanceOf(FrameTooLargeException.class);
    assertThat(prefix.refCnt()).isZero();
  }

  @Test
  void refusesAnOversizedVersion1FrameFromItsFirstSixBytes() {
    ByteBuf prefix = Unpooled.buffer().writeInt(16 + 4097).writeShort(16);
    assertThatThrownBy(() -> channel.writeInbound(prefix))
        .isInstanceOf(FrameTooLargeException.class);
  }

  @Test
  void refusesABadHeaderLengthFromItsFirstSixBytes() {
    ByteBuf prefix = Unpooled.buffer().writeInt(100).writeShort(99);
    assertThatThrownBy(() -> channel.writeInbound(prefix)).isInstanceOf(BadHeaderException.class);
  }

  @Test
  void refusesANegativeLength() {
    assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(-16)))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void refusesABadChecksum() {
    Frame sent = frame(ProtocolVersion.V2, 1000, 1, "abc");
    ByteBuf wire = encoded(sent);
    wire.setByte(wire.writerIndex() - 1, 'x');
    assertThatThrownBy(() -> channel.writeInbound(wire))
        .isInstanceOf(ChecksumMismatchException.class);
    sent.release();
  }

  @Test
  void discardsEverythingAfterTheFirstError() {
    ByteBuf garbage = rawHeader(16, 17, 1, 0, 0);
    assertThatThrownBy(() -> channel.writeInbound(garbage)).isInstanceOf(BadHeaderException.class);

    Frame valid = frame(ProtocolVersion.V1, Op.HEARTBEAT, 1, "");
    ByteBuf more = encoded(valid);
    channel.writeInbound(more);

    assertThat((Object) channel.readInbound()).isNull();
    assertThat(more.refCnt()).isZero();
    valid.release();
  }
}
