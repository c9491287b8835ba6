package io.herald.wire.fuzz;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Checks that a decoded frame is exactly the bytes it came from. */
public final class Reencoding {
  private Reencoding() {}

  /**
   * Asserts that {@code frame}, encoded again, equals {@code input} from {@code at}, and returns
   * the index after it. In a version 1 frame the {@code ver} field is not read (docs/protocol.md:
   * goim's server ignores it too), so it is the one field that may differ.
   */
  public static int check(Frame frame, byte[] input, int at) {
    ByteBuf encoded = Unpooled.buffer(FrameCodec.encodedLength(frame));
    byte[] bytes;
    try {
      FrameCodec.encode(frame, encoded);
      bytes = ByteBufUtil.getBytes(encoded);
    } finally {
      encoded.release();
    }
    if (at + bytes.length > input.length) {
      throw new AssertionError(
          frame + " at " + at + " is longer than the " + input.length + " bytes");
    }
    boolean v1 = frame.version() == ProtocolVersion.V1;
    for (int i = 0; i < bytes.length; i++) {
      if (v1 && (i == 6 || i == 7)) {
        continue;
      }
      if (bytes[i] != input[at + i]) {
        throw new AssertionError(frame + " at " + at + " differs from its bytes at offset " + i);
      }
    }
    return at + bytes.length;
  }
}
