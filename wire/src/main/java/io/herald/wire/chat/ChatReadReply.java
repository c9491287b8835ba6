package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Op 35 CHAT_READ_REPLY when it succeeded (else a {@link ChatError}).
 *
 * <pre>
 * int16 status     0
 * int64 read_seq   the read position now (never lower than before)
 * int32 unread     messages from others after it
 * </pre>
 */
public record ChatReadReply(long readSeq, int unread) {
  public static final int LENGTH = 14;

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH);
    return out.writeShort(ChatStatus.OK.code()).writeLong(readSeq).writeInt(unread);
  }

  /** Reads an OK reply; check {@link ChatError#peek} first. */
  public static ChatReadReply decode(ByteBuf in) {
    ChatBodies.requireOk(in, "CHAT_READ_REPLY");
    ChatBodies.requireReadable(in, LENGTH - 2, "CHAT_READ_REPLY");
    return new ChatReadReply(in.readLong(), in.readInt());
  }
}
