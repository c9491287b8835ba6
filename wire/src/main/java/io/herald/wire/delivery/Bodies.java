package io.herald.wire.delivery;

import io.netty.buffer.ByteBuf;

/** Length checks shared by the delivery bodies. */
final class Bodies {
  private Bodies() {}

  static void requireReadable(ByteBuf body, int bytes, String what) {
    if (body.readableBytes() < bytes) {
      throw new MalformedBodyException(
          what + ": " + body.readableBytes() + " bytes left, expected at least " + bytes);
    }
  }
}
