package io.herald.wire.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.MalformedBatchException;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.fuzz.Reencoding;
import io.herald.wire.fuzz.TrackingAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes op-9 batch splitting as a client (and a Comet accepting batched upstream frames) does it:
 * an op-9 frame whose body is arbitrary bytes goes through a {@link RawBatchSplitter}. The first
 * byte's low bit picks the outer frame's version; the rest is the batch body.
 *
 * <p>What must hold: either the body is whole frames, none of them a batch, and exactly those come
 * out, byte for byte, in order; or a {@link MalformedBatchException} and nothing comes out (a batch
 * is split whole or not at all); every buffer is released. Replayed from {@code
 * RawBatchSplitterFuzzTestInputs/batch}; fuzzed with {@code bench/fuzz batch}.
 */
class RawBatchSplitterFuzzTest {
  private static final FrameLimits LIMITS = FrameLimits.DEFAULT;

  @FuzzTest
  void batch(byte[] input) {
    if (input.length == 0) {
      return;
    }
    ProtocolVersion version = (input[0] & 1) == 0 ? ProtocolVersion.V1 : ProtocolVersion.V2;
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel channel = alloc.channel();
    channel.pipeline().addLast(new RawBatchSplitter(LIMITS));
    Frame batch = new Frame(version, Op.RAW, 0, alloc.copyOf(input, 1, input.length));
    MalformedBatchException refused = null;
    try {
      channel.writeInbound(batch);
    } catch (MalformedBatchException e) {
      refused = e;
    }
    int at = 1;
    for (Frame frame; (frame = channel.readInbound()) != null; ) {
      try {
        if (refused != null) {
          throw new AssertionError(frame + " from a refused batch: " + refused.getMessage());
        }
        if (frame.op() == Op.RAW) {
          throw new AssertionError("a nested batch came out: " + frame);
        }
        at = Reencoding.check(frame, input, at);
      } finally {
        frame.release();
      }
    }
    if (refused == null && at != input.length) {
      throw new AssertionError("split " + (at - 1) + " of " + (input.length - 1) + " bytes");
    }
    if (channel.finish()) {
      throw new AssertionError("output after the end");
    }
    alloc.assertAllReleased();
  }
}
