package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Op 37 CHAT_RECEIPT (server to client, inside an op-26 MESSAGE or a SYNC_REPLY): someone read a
 * conversation up to a seq. Sent to both sides of a one-to-one conversation — the other user sees
 * how far their messages were read; the reader's other devices update their unread counts — and to
 * the reader's own devices in a group.
 *
 * <pre>
 * int64 reader     who read
 * int8 kind, int64 to   the reader's conversation: the reader's peer, or the group
 * int64 read_seq   read up to and including this seq
 * </pre>
 */
public record ChatReceipt(long reader, Conversation to, long readSeq) {
  public static final int LENGTH = 25;

  public ChatReceipt {
    Objects.requireNonNull(to, "to");
  }

  /** The conversation this receipt is about, as user {@code me} names it. */
  public Conversation conversationFor(long me) {
    if (to.kind() == ChatKind.GROUP || reader == me) {
      return to;
    }
    return Conversation.user(reader);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH).writeLong(reader);
    to.write(out);
    return out.writeLong(readSeq);
  }

  public static ChatReceipt decode(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "CHAT_RECEIPT");
    return new ChatReceipt(in.readLong(), Conversation.read(in), in.readLong());
  }
}
