package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A frame the client received: a push (one per frame of an op-9 batch) or the reply to a request.
 * The body is copied onto the heap, so a message needs no releasing and may be kept.
 */
public final class Message {
  private final ProtocolVersion version;
  private final int op;
  private final int seq;
  private final byte[] body;

  public Message(ProtocolVersion version, int op, int seq, byte[] body) {
    this.version = version;
    this.op = op;
    this.seq = seq;
    this.body = body.clone();
  }

  /** A copy of {@code frame}; the frame is not released. */
  static Message of(Frame frame) {
    return new Message(
        frame.version(), frame.op(), frame.seq(), ByteBufUtil.getBytes(frame.body()));
  }

  public ProtocolVersion version() {
    return version;
  }

  public int op() {
    return op;
  }

  public int seq() {
    return seq;
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message other
        && version == other.version
        && op == other.op
        && seq == other.seq
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * version.hashCode() + op) + seq) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Message("
        + version
        + ", op="
        + Op.name(op)
        + ", seq="
        + seq
        + ", "
        + body.length
        + "B)";
  }
}
