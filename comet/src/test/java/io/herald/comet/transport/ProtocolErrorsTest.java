package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static io.herald.comet.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProtocolErrorsTest {
  private final TransportFixture fixture = new TransportFixture();

  @Test
  void anOversizedFrameClosesOnlyThatConnection() {
    EmbeddedChannel bystander = fixture.authenticated(ProtocolVersion.V1);
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    // packLen = 16 + 4097: refused from its first 6 bytes.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0x10, 0x11, 0, 0x10}));

    assertClosedFor(channel, "frame_too_large");
    assertThat(fixture.logic.disconnects).hasSize(1); // the closed connection's session
    send(bystander, ProtocolVersion.V1, Op.HEARTBEAT, 1, "");
    assertThat(read(bystander).op()).isEqualTo(Op.HEARTBEAT_REPLY);
    assertThat(bystander.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aBadHeaderLengthCloses() {
    EmbeddedChannel channel = fixture.tcp();

    channel.writeInbound(
        Unpooled.wrappedBuffer(
            new byte[] {0, 0, 0, 0x11, 0, 0x11, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0}));

    assertClosedFor(channel, "bad_header");
  }

  @Test
  void garbageCloses() {
    EmbeddedChannel channel = fixture.tcp();

    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, 0, 0x10, 0x55, 0x55}));

    assertClosedFor(channel, "bad_packet_length");
  }

  @Test
  void aBadChecksumCloses() {
    EmbeddedChannel channel = fixture.tcp();
    ByteBuf auth =
        TransportFixture.encode(
            ProtocolVersion.V2,
            Op.AUTH,
            1,
            TransportFixture.AUTH_JSON.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    auth.setByte(auth.writerIndex() - 1, auth.getByte(auth.writerIndex() - 1) ^ 1);

    channel.writeInbound(auth);

    assertClosedFor(channel, "bad_checksum");
    assertThat(fixture.logic.connects).isEmpty();
  }

  @Test
  void aResetConnectionIsClosedQuietlyAndNotCounted() {
    EmbeddedChannel channel = fixture.tcp();

    channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.meters.find("herald.comet.protocol.errors").counters())
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anUnexpectedErrorClosesTheConnection() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    channel
        .pipeline()
        .fireExceptionCaught(new IllegalStateException("a bug (expected in this test)"));

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.buckets.size()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private void assertClosedFor(EmbeddedChannel channel, String reason) {
    assertThat(channel.isOpen()).isFalse();
    assertThat(read(channel)).isNull();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", reason)).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
