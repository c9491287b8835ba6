package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every client connection's one handler does besides the protocol: op-9 batches from the
 * client, metering, the upstream rate over batches, flushing replies once a read, and its
 * pipeline's shape. (Flush batching on its own: {@link FlushBatchingHandlerTest}.)
 */
class ClientFrameHandlerTest {
  private static final int AUTH_BYTES =
      16 + TransportFixture.AUTH_JSON.getBytes(StandardCharsets.UTF_8).length;

  private final TransportFixture fixture = new TransportFixture();

  /** An encoded op-9 frame holding {@code count} version 1 heartbeats, seq 1 to count. */
  private static ByteBuf heartbeats(int count) {
    List<Frame> frames = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      frames.add(Frame.empty(ProtocolVersion.V1, Op.HEARTBEAT, seq));
    }
    Frame batch = RawBatch.frame(ByteBufAllocator.DEFAULT, ProtocolVersion.V1, frames);
    try {
      return FrameCodec.encode(ByteBufAllocator.DEFAULT, batch);
    } finally {
      batch.release();
      frames.forEach(Frame::release);
    }
  }

  private double frames(String direction) {
    return fixture.count("herald.comet.frames", "direction", direction);
  }

  private double bytes(String direction) {
    return fixture.count("herald.comet.bytes", "direction", direction);
  }

  @Test
  void anAuthenticatedTcpPipelineIsTheCodecAndOneHandler() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    assertThat(channel.pipeline().names())
        .containsExactly(
            "decoder",
            "encoder",
            ClientChannelInitializer.CONNECTION,
            "DefaultChannelPipeline$TailContext#0");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void framesAndBytesAreCountedBothWays() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    assertThat(frames("in")).isEqualTo(1);
    assertThat(bytes("in")).isEqualTo(AUTH_BYTES);
    assertThat(frames("out")).isEqualTo(1);
    assertThat(bytes("out")).as("goim's AUTH_REPLY: a bare header").isEqualTo(16);

    TransportFixture.send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 2, "");
    assertThat(read(channel).op()).isEqualTo(Op.HEARTBEAT_REPLY);
    ChannelFuture unused = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[40])); // a push
    channel.runPendingTasks();
    ByteBuf pushed = channel.readOutbound();
    pushed.release();

    assertThat(frames("in")).isEqualTo(2);
    assertThat(bytes("in")).isEqualTo(AUTH_BYTES + 16);
    assertThat(frames("out")).isEqualTo(3);
    assertThat(bytes("out")).isEqualTo(16 + 20 + 40);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anUpstreamBatchIsServedFrameByFrameAndMeteredPerFrame() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    channel.writeInbound(heartbeats(3));

    for (int seq = 1; seq <= 3; seq++) {
      WireFrame reply = read(channel);
      assertThat(reply.op()).isEqualTo(Op.HEARTBEAT_REPLY);
      assertThat(reply.seq()).isEqualTo(seq);
    }
    assertThat(read(channel)).isNull();
    assertThat(frames("in")).as("AUTH and the three frames, not the batch").isEqualTo(4);
    assertThat(bytes("in")).isEqualTo(AUTH_BYTES + 3 * 16);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void authMayArriveInABatchWithFramesBehindIt() {
    EmbeddedChannel channel = fixture.tcp();
    Frame auth =
        new Frame(
            ProtocolVersion.V1,
            Op.AUTH,
            1,
            Unpooled.copiedBuffer(TransportFixture.AUTH_JSON, StandardCharsets.UTF_8));
    Frame heartbeat = Frame.empty(ProtocolVersion.V1, Op.HEARTBEAT, 2);
    Frame batch =
        RawBatch.frame(ByteBufAllocator.DEFAULT, ProtocolVersion.V1, List.of(auth, heartbeat));
    auth.release();
    heartbeat.release();
    try {
      channel.writeInbound(FrameCodec.encode(ByteBufAllocator.DEFAULT, batch));
    } finally {
      batch.release();
    }

    assertThat(read(channel).op()).isEqualTo(Op.AUTH_REPLY);
    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.HEARTBEAT_REPLY);
    assertThat(reply.seq()).isEqualTo(2);
    assertThat(frames("in")).isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void everyFrameOfABatchTakesATokenOfTheUpstreamRate() {
    TransportFixture limited = new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000));
    EmbeddedChannel channel = limited.authenticated(ProtocolVersion.V1); // AUTH took one of 10

    channel.writeInbound(heartbeats(10));

    int replies = 0;
    while (read(channel) != null) {
      replies++;
    }
    assertThat(replies).isEqualTo(9);
    assertThat(channel.isOpen()).isFalse();
    assertThat(limited.count("herald.comet.rate.limited", "kind", "upstream")).isEqualTo(1);
    assertThat(limited.count("herald.comet.frames", "direction", "in"))
        .as("metered before the limit")
        .isEqualTo(11);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aMalformedBatchIsAProtocolError() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    channel.writeInbound(
        TransportFixture.encode(ProtocolVersion.V1, Op.RAW, 0, new byte[] {0, 0, 0, 3}));

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.protocol.errors", "reason", "malformed_batch"))
        .isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static FlushBatchingHandlerTest.FlushCounter countFlushes(EmbeddedChannel channel) {
    var counter = new FlushBatchingHandlerTest.FlushCounter();
    channel.pipeline().addFirst(counter);
    return counter;
  }

  @Test
  void repliesWrittenDuringAReadAreFlushedOnceAtItsEnd() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    var counter = countFlushes(channel);

    channel.writeInbound(heartbeats(3));

    assertThat(counter.flushes).isEqualTo(1);
    assertThat(channel.outboundMessages()).hasSize(3);
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }
}
