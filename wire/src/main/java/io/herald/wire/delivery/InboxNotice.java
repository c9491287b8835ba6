package io.herald.wire.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The body of op 27 INBOX_NOTICE (server to a version 2 client): the user's inbox holds messages up
 * to {@code latestSeq}; the client SYNCs (op 19) after what it holds. Sent instead of bodies for
 * pushes marked notify, and when a connection has more stored deliveries unacked than the Comet's
 * threshold; a burst becomes one notice.
 *
 * <pre>
 * int64 epoch
 * int64 latest_seq
 * </pre>
 */
public record InboxNotice(long epoch, long latestSeq) {
  public static final int LENGTH = 16;

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(LENGTH, LENGTH).writeLong(epoch).writeLong(latestSeq);
  }

  public static InboxNotice decode(ByteBuf body) {
    if (body.readableBytes() != LENGTH) {
      throw new MalformedBodyException(
          "INBOX_NOTICE body of " + body.readableBytes() + " bytes (expected: 16)");
    }
    int at = body.readerIndex();
    return new InboxNotice(body.getLong(at), body.getLong(at + 8));
  }
}
