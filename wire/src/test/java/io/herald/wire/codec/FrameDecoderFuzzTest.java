package io.herald.wire.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolException;
import io.herald.wire.fuzz.Reencoding;
import io.herald.wire.fuzz.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes the TCP decoder (the Comet's and the Java client's) with arbitrary byte streams. The first
 * byte sets the read size (1-256 bytes per {@code channelRead}); the rest is the stream.
 *
 * <p>What must hold for every input: the decoder emits frames that are exactly the stream's bytes
 * one after another; it raises at most one error, a {@link ProtocolException}, and only where the
 * bytes really are not a frame within the limits, then nothing more; what is left unread at the end
 * is an incomplete frame; every buffer is released. Replayed from {@code
 * FrameDecoderFuzzTestInputs/tcpStream} in every build; fuzzed with {@code bench/fuzz tcp}.
 */
class FrameDecoderFuzzTest {
  private static final FrameLimits LIMITS = FrameLimits.DEFAULT;

  @FuzzTest
  void tcpStream(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int readSize = 1 + (input[0] & 0xFF);
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel channel = alloc.channel();
    channel.pipeline().addLast(new FrameDecoder(LIMITS));
    int at = 1;
    ProtocolException refused = null;
    for (int read = 1; read < input.length; read += readSize) {
      ByteBuf bytes = alloc.copyOf(input, read, Math.min(read + readSize, input.length));
      ProtocolException error = null;
      try {
        channel.writeInbound(bytes);
      } catch (ProtocolException e) {
        error = e;
      }
      // Frames decoded in the same read before an error still come out, ahead of it.
      for (Frame frame; (frame = channel.readInbound()) != null; ) {
        try {
          if (refused != null) {
            throw new AssertionError(frame + " after the error " + refused);
          }
          at = Reencoding.check(frame, input, at);
        } finally {
          frame.release();
        }
      }
      if (error != null) {
        if (refused != null) {
          throw new AssertionError("a second error after " + refused, error);
        }
        refused = error;
        checkRefusal(error, input, at);
      }
    }
    if (channel.finish()) {
      throw new AssertionError("output after the end of the stream");
    }
    if (refused == null) {
      checkIncomplete(input, at);
    }
    alloc.assertAllReleased();
  }

  /** The decoder refused the stream at {@code at}: no frame within the limits may start there. */
  private static void checkRefusal(ProtocolException e, byte[] input, int at) {
    if (e.error() == null) {
      throw new AssertionError("an error without a reason", e);
    }
    ByteBuf rest = Unpooled.wrappedBuffer(input, at, input.length - at);
    Frame frame;
    try {
      frame = FrameCodec.decode(rest, LIMITS);
    } catch (ProtocolException expected) {
      return; // truncated, or bad: either way the decoder may refuse it once its prefix is known
    }
    frame.release();
    throw new AssertionError("refused a valid frame at " + at + ": " + e.getMessage(), e);
  }

  /** No error: what is left after the last frame is the start of a frame, not a whole one. */
  private static void checkIncomplete(byte[] input, int at) {
    int left = input.length - at;
    if (left >= 4) {
      int packLen = Unpooled.wrappedBuffer(input, at, 4).getInt(0);
      if (packLen <= left) {
        throw new AssertionError(left + " bytes left undecoded with packLen " + packLen);
      }
    }
  }
}
