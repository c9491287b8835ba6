package io.herald.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * One protocol frame: version, op, seq and a reference-counted body. Whoever holds a frame releases
 * it (or passes it on), as with any Netty {@link io.netty.buffer.ByteBufHolder}.
 */
public final class Frame extends DefaultByteBufHolder {
  private final ProtocolVersion version;
  private final int op;
  private final int seq;

  public Frame(ProtocolVersion version, int op, int seq, ByteBuf body) {
    super(body);
    this.version = Objects.requireNonNull(version, "version");
    this.op = op;
    this.seq = seq;
  }

  /** A frame with an empty body. */
  public static Frame empty(ProtocolVersion version, int op, int seq) {
    return new Frame(version, op, seq, Unpooled.EMPTY_BUFFER);
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

  /** The body; the same buffer as {@link #content()}. */
  public ByteBuf body() {
    return content();
  }

  /** A reply to this frame: same version and seq, the given op and body. */
  public Frame reply(int replyOp, ByteBuf replyBody) {
    return new Frame(version, replyOp, seq, replyBody);
  }

  @Override
  public Frame replace(ByteBuf content) {
    return new Frame(version, op, seq, content);
  }

  @Override
  public Frame copy() {
    return (Frame) super.copy();
  }

  @Override
  public Frame duplicate() {
    return (Frame) super.duplicate();
  }

  @Override
  public Frame retainedDuplicate() {
    return (Frame) super.retainedDuplicate();
  }

  @Override
  public Frame retain() {
    super.retain();
    return this;
  }

  @Override
  public Frame retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public Frame touch() {
    super.touch();
    return this;
  }

  @Override
  public Frame touch(Object hint) {
    super.touch(hint);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame other
        && version == other.version
        && op == other.op
        && seq == other.seq
        && super.equals(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, op, seq, super.hashCode());
  }

  @Override
  public String toString() {
    return "Frame("
        + version
        + ", op="
        + Op.name(op)
        + ", seq="
        + seq
        + ", body="
        + content().readableBytes()
        + "B)";
  }
}
