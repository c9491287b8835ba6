package io.herald.wire.delivery;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The head of op 26 MESSAGE (server to a version 2 client): a pushed or synced message with its id
 * and inbox position, followed by its body.
 *
 * <pre>
 * int64 message_id  the message's id; the client drops a second delivery of the same id
 * int64 epoch       the inbox epoch of seq; 0 when not stored
 * int64 seq         the message's seq in the user's inbox; 0 when not stored
 * int32 op          the business op the message was pushed with
 * int8  flags       bit 0: ack requested (the client acks message_id in op 18)
 * ...   body        the application's bytes
 * </pre>
 *
 * <p>The frame's own seq field is 0. Version 1 clients never get this op: they get the plain body
 * under the business op.
 */
public record MessageEnvelope(long messageId, long epoch, long seq, int op, boolean ackRequested) {
  /** Bytes before the body. */
  public static final int HEAD_LENGTH = 29;

  private static final int ACK_REQUESTED = 1;

  /** Whether the message sits in an inbox. */
  public boolean stored() {
    return seq > 0;
  }

  /** Writes the head to {@code out}. */
  public void writeHead(ByteBuf out) {
    out.writeLong(messageId).writeLong(epoch).writeLong(seq).writeInt(op);
    out.writeByte(ackRequested ? ACK_REQUESTED : 0);
  }

  /** A head buffer, to be composed with a shared body. */
  public ByteBuf head(ByteBufAllocator alloc) {
    ByteBuf head = alloc.buffer(HEAD_LENGTH, HEAD_LENGTH);
    writeHead(head);
    return head;
  }

  /**
   * An op-26 frame in {@code version} holding this head and {@code body} (retained: the caller
   * keeps its own reference). The body is not copied.
   */
  public Frame frame(ByteBufAllocator alloc, ProtocolVersion version, ByteBuf body) {
    ByteBuf whole =
        alloc.compositeBuffer(2).addComponents(true, head(alloc), body.retainedDuplicate());
    return new Frame(version, Op.MESSAGE, 0, whole);
  }

  /** Reads the head of an op-26 body; {@code body}'s reader index is left as it was. */
  public static MessageEnvelope decode(ByteBuf body) {
    Bodies.requireReadable(body, HEAD_LENGTH, "MESSAGE head");
    int at = body.readerIndex();
    return new MessageEnvelope(
        body.getLong(at),
        body.getLong(at + 8),
        body.getLong(at + 16),
        body.getInt(at + 24),
        (body.getByte(at + 28) & ACK_REQUESTED) != 0);
  }

  /** The application's bytes of an op-26 body: a slice that shares {@code body}'s memory. */
  public static ByteBuf payload(ByteBuf body) {
    Bodies.requireReadable(body, HEAD_LENGTH, "MESSAGE head");
    int at = body.readerIndex() + HEAD_LENGTH;
    return body.readableBytes() == HEAD_LENGTH
        ? Unpooled.EMPTY_BUFFER
        : body.slice(at, body.writerIndex() - at);
  }
}
