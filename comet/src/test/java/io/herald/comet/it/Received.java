package io.herald.comet.it;

import io.herald.wire.Frame;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/** A frame a test client received, copied out of its buffer. */
@SuppressWarnings("ArrayRecordComponent") // a test's copy, never changed
record Received(ProtocolVersion version, int op, int seq, byte[] body) {
  static Received of(Frame frame) {
    return new Received(
        frame.version(), frame.op(), frame.seq(), ByteBufUtil.getBytes(frame.body()));
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  int bodyInt() {
    return ((body[0] & 0xff) << 24)
        | ((body[1] & 0xff) << 16)
        | ((body[2] & 0xff) << 8)
        | (body[3] & 0xff);
  }
}
