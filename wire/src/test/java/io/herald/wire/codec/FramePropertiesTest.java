package io.herald.wire.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties over random frames of both versions: whatever the frames and however the stream is
 * cut, TCP, WebSocket and op-9 batches give back exactly the frames that were sent, and no buffer
 * is left unreleased. Each trial has its own seed, printed on failure; {@code -Dwire.seed=N} runs
 * the trials from base seed N.
 */
class FramePropertiesTest {
  private static final int TRIALS = 1_000;
  private static final FrameLimits LIMITS = FrameLimits.DEFAULT;

  private final long baseSeed = Long.getLong("wire.seed", new SplittableRandom().nextLong());

  @Test
  void tcpStreamCutAnywhereGivesBackTheSameFrames() {
    for (int trial = 0; trial < TRIALS; trial++) {
      long seed = baseSeed + trial;
      SplittableRandom random = new SplittableRandom(seed);
      List<Frame> sent = randomFrames(random);
      ByteBuf stream = Unpooled.buffer();
      sent.forEach(frame -> FrameCodec.encode(frame, stream));

      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMITS));
      while (stream.isReadable()) {
        int chunk = 1 + random.nextInt(Math.min(stream.readableBytes(), 64));
        channel.writeInbound(stream.readRetainedSlice(chunk));
      }
      stream.release();

      List<Frame> received = drain(channel);
      assertThat(received).as("seed %d", seed).containsExactlyElementsOf(sent);
      assertThat(channel.finishAndReleaseAll()).as("seed %d", seed).isFalse();
      releaseAll(received);
      releaseAll(sent);
    }
  }

  @Test
  void webSocketMessagesAndBatchesGiveBackTheSameFrames() {
    for (int trial = 0; trial < TRIALS; trial++) {
      long seed = baseSeed + trial;
      SplittableRandom random = new SplittableRandom(seed);
      List<Frame> sent = randomFrames(random);
      ProtocolVersion outer = randomVersion(random);
      FrameLimits batchLimits = new FrameLimits(64 * 1024);

      EmbeddedChannel server = new EmbeddedChannel(new WebSocketFrameCodec(batchLimits));
      EmbeddedChannel client =
          new EmbeddedChannel(
              new WebSocketFrameCodec(batchLimits), new RawBatchSplitter(batchLimits));
      for (Frame frame : sent) {
        server.writeOutbound(frame.retainedDuplicate());
      }
      server.writeOutbound(RawBatch.frame(ByteBufAllocator.DEFAULT, outer, sent));
      for (Object message; (message = server.readOutbound()) != null; ) {
        client.writeInbound((BinaryWebSocketFrame) message);
      }

      List<Frame> expected = new ArrayList<>(sent);
      expected.addAll(sent);
      List<Frame> received = drain(client);
      assertThat(received).as("seed %d", seed).containsExactlyElementsOf(expected);
      assertThat(server.finishAndReleaseAll()).as("seed %d", seed).isFalse();
      assertThat(client.finishAndReleaseAll()).as("seed %d", seed).isFalse();
      releaseAll(received);
      releaseAll(sent);
    }
  }

  private static List<Frame> randomFrames(SplittableRandom random) {
    int count = 1 + random.nextInt(5);
    List<Frame> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] body =
          new byte[random.nextInt(10) == 0 ? LIMITS.maxBodyLength() : random.nextInt(300)];
      random.nextBytes(body);
      int op = random.nextBoolean() ? random.nextInt(9) : 1000 + random.nextInt(100);
      frames.add(
          new Frame(randomVersion(random), op, random.nextInt(), Unpooled.wrappedBuffer(body)));
    }
    return frames;
  }

  private static ProtocolVersion randomVersion(SplittableRandom random) {
    return random.nextBoolean() ? ProtocolVersion.V1 : ProtocolVersion.V2;
  }

  private static List<Frame> drain(EmbeddedChannel channel) {
    List<Frame> frames = new ArrayList<>();
    for (Frame frame; (frame = channel.readInbound()) != null; ) {
      frames.add(frame);
    }
    return frames;
  }

  private static void releaseAll(List<Frame> frames) {
    frames.forEach(Frame::release);
  }
}
