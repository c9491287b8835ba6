package io.herald.wire;

import static io.herald.wire.TestFrames.bodyText;
import static io.herald.wire.TestFrames.encoded;
import static io.herald.wire.TestFrames.frame;
import static io.herald.wire.TestFrames.rawHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameCodecTest {

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void roundTripsEachVersion(ProtocolVersion version) {
    Frame sent = frame(version, 1001, 42, "hello");
    ByteBuf bytes = encoded(sent);
    assertThat(bytes.readableBytes()).isEqualTo(version.headerLength() + 5);
    assertThat(bytes.getShort(4)).isEqualTo((short) version.headerLength());
    assertThat(bytes.getShort(6)).isEqualTo((short) version.wireValue());

    Frame received = FrameCodec.decode(bytes, FrameLimits.DEFAULT);

    assertThat(received).isEqualTo(sent);
    assertThat(bodyText(received)).isEqualTo("hello");
    assertThat(bytes.isReadable()).isFalse();
    sent.release();
    received.release();
    assertThat(bytes.release()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void roundTripsAnEmptyBody(ProtocolVersion version) {
    ByteBuf bytes = encoded(Frame.empty(version, Op.HEARTBEAT, 7));
    Frame received = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
    assertThat(received.op()).isEqualTo(Op.HEARTBEAT);
    assertThat(received.seq()).isEqualTo(7);
    assertThat(received.body().readableBytes()).isZero();
    bytes.release();
  }

  @Test
  void acceptsAVersion1FrameWhateverItsVerField() {
    // goim's server ignores ver; some goim clients send 0.
    ByteBuf bytes = rawHeader(16, 16, 0, Op.HEARTBEAT, 1);
    Frame received = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
    assertThat(received.version()).isEqualTo(ProtocolVersion.V1);
    bytes.release();
  }

  @Test
  void acceptsABodyExactlyAtTheLimit() {
    Frame sent = new Frame(ProtocolVersion.V2, 1000, 1, Unpooled.buffer().writeZero(4096));
    ByteBuf bytes = encoded(sent);
    Frame received = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
    assertThat(received.body().readableBytes()).isEqualTo(4096);
    received.release();
    sent.release();
    bytes.release();
  }

  @Test
  void refusesABodyOverTheLimit() {
    Frame sent = new Frame(ProtocolVersion.V1, 1000, 1, Unpooled.buffer().writeZero(4097));
    ByteBuf bytes = encoded(sent);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(FrameTooLargeException.class)
        .hasMessageContaining("4097")
        .extracting(e -> ((ProtocolException) e).error())
        .isEqualTo(ProtocolError.FRAME_TOO_LARGE);
    sent.release();
    bytes.release();
  }

  @Test
  void refusesAnOversizedPacketFromItsPrefix() {
    assertThatThrownBy(() -> FrameCodec.checkPacketLength(20 + 4097, FrameLimits.DEFAULT))
        .isInstanceOf(FrameTooLargeException.class);
    assertThatThrownBy(() -> FrameCodec.checkPrefix(16 + 4097, 16, FrameLimits.DEFAULT))
        .isInstanceOf(FrameTooLargeException.class)
        .hasMessage("body of 4097 bytes exceeds the limit of 4096 bytes");
    assertThat(FrameCodec.checkPrefix(20 + 4096, 20, FrameLimits.DEFAULT))
        .isEqualTo(ProtocolVersion.V2);
  }

  @Test
  void refusesANegativePacketLength() {
    ByteBuf bytes = rawHeader(-1, 16, 1, Op.HEARTBEAT, 1);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessageContaining("negative");
    bytes.release();
  }

  @Test
  void refusesAPacketLengthShorterThanAHeader() {
    ByteBuf bytes = rawHeader(15, 16, 1, Op.HEARTBEAT, 1);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessageContaining("shorter than a header");
    bytes.release();
  }

  @Test
  void refusesAVersion2PacketShorterThanItsHeader() {
    ByteBuf bytes = rawHeader(18, 20, 2, Op.HEARTBEAT, 1).writeShort(0);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessageContaining("headerLen 20");
    bytes.release();
  }

  @Test
  void refusesATruncatedFrame() {
    ByteBuf bytes = rawHeader(30, 16, 1, 1000, 1).writeZero(4);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadPacketLengthException.class)
        .hasMessageContaining("exceeds the 20 bytes present");
    bytes.release();
  }

  @Test
  void refusesAnUnknownHeaderLength() {
    ByteBuf bytes = rawHeader(24, 18, 1, 1000, 1).writeZero(8);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadHeaderException.class)
        .hasMessage("headerLen 18 (expected: 16 or 20)");
    bytes.release();
  }

  @Test
  void refusesAVersion2HeaderWithAnotherVer() {
    Frame sent = frame(ProtocolVersion.V2, 1000, 1, "x");
    ByteBuf bytes = encoded(sent);
    bytes.setShort(6, 1);
    assertThatThrownBy(() -> FrameCodec.decode(bytes, FrameLimits.DEFAULT))
        .isInstanceOf(BadHeaderException.class)
        .hasMessageContaining("ver 1 with a 20-byte header");
    sent.release();
    bytes.release();
  }

  @Test
  void refusesABadChecksumInBodyOrHeader() {
    Frame sent = frame(ProtocolVersion.V2, 1000, 9, "payload");
    ByteBuf bodyFlipped = encoded(sent);
    bodyFlipped.setByte(22, bodyFlipped.getByte(22) ^ 0x01);
    ByteBuf seqChanged = encoded(sent);
    seqChanged.setInt(12, 10);

    assertThatThrownBy(() -> FrameCodec.decode(bodyFlipped, FrameLimits.DEFAULT))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessageStartingWith("CRC32C mismatch");
    assertThatThrownBy(() -> FrameCodec.decode(seqChanged, FrameLimits.DEFAULT))
        .isInstanceOf(ChecksumMismatchException.class);
    assertThat(bodyFlipped.refCnt()).isOne();
    sent.release();
    bodyFlipped.release();
    seqChanged.release();
  }

  @Test
  void checksumCoversBodiesSpreadOverSeveralBuffers() {
    ByteBuf composite =
        Unpooled.wrappedBuffer(
            Unpooled.copiedBuffer(new byte[] {1, 2, 3}),
            Unpooled.directBuffer().writeBytes(new byte[] {4, 5}));
    Frame sent = new Frame(ProtocolVersion.V2, 1000, 1, composite);
    Frame contiguous =
        new Frame(ProtocolVersion.V2, 1000, 1, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5}));
    ByteBuf a = encoded(sent);
    ByteBuf b = encoded(contiguous);
    assertThat(a).isEqualTo(b);
    sent.release();
    contiguous.release();
    a.release();
    b.release();
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> new FrameLimits(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyLength: 0 (expected: 1-67108864)");
    assertThat(new FrameLimits(8192).maxPacketLength()).isEqualTo(8212);
  }
}
