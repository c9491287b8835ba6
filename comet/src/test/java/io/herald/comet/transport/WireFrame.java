package io.herald.comet.transport;

import io.herald.wire.Frame;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A frame as a test sees it: plain values, nothing to release. */
final class WireFrame {
  private final ProtocolVersion version;
  private final int op;
  private final int seq;
  private final byte[] body;

  private WireFrame(ProtocolVersion version, int op, int seq, byte[] body) {
    this.version = version;
    this.op = op;
    this.seq = seq;
    this.body = body;
  }

  static WireFrame of(Frame frame) {
    return new WireFrame(
        frame.version(), frame.op(), frame.seq(), ByteBufUtil.getBytes(frame.body()));
  }

  ProtocolVersion version() {
    return version;
  }

  int op() {
    return op;
  }

  int seq() {
    return seq;
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body's bytes (a copy). */
  byte[] bytes() {
    return body.clone();
  }

  int bodyInt() {
    return ByteBuffer.wrap(body).getInt();
  }

  int bodyLength() {
    return body.length;
  }

  @Override
  public String toString() {
    return "WireFrame(" + version + ", op=" + op + ", seq=" + seq + ", " + text() + ")";
  }
}
