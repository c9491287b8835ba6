package io.herald.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C of a version 2 frame: its header's first 16 bytes, then its body. */
final class Crc32c {
  private Crc32c() {}

  static int of(ByteBuf header, int headerIndex, ByteBuf body, int bodyIndex, int bodyLength) {
    CRC32C crc = new CRC32C();
    update(crc, header, headerIndex, FrameCodec.CHECKED_HEADER_LENGTH);
    update(crc, body, bodyIndex, bodyLength);
    return (int) crc.getValue();
  }

  private static void update(CRC32C crc, ByteBuf buf, int index, int length) {
    if (length == 0) {
      return;
    }
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + index, length);
    } else if (buf.nioBufferCount() == 1) {
      crc.update(buf.nioBuffer(index, length));
    } else {
      for (ByteBuffer part : buf.nioBuffers(index, length)) {
        crc.update(part);
      }
    }
  }
}
