package io.herald.wire;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Frames and bytes for tests. */
public final class TestFrames {
  private TestFrames() {}

  public static Frame frame(ProtocolVersion version, int op, int seq, String body) {
    return new Frame(version, op, seq, Unpooled.copiedBuffer(body, UTF_8));
  }

  public static ByteBuf encoded(Frame frame) {
    ByteBuf out = Unpooled.buffer();
    FrameCodec.encode(frame, out);
    return out;
  }

  /** A frame in {@code version} whose header is written by hand, for malformed-input tests. */
  public static ByteBuf rawHeader(int packLen, int headerLen, int ver, int op, int seq) {
    return Unpooled.buffer()
        .writeInt(packLen)
        .writeShort(headerLen)
        .writeShort(ver)
        .writeInt(op)
        .writeInt(seq);
  }

  public static String bodyText(Frame frame) {
    return frame.body().toString(UTF_8);
  }

  public static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replaceAll("\\s+", "")));
  }
}
