package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Op 34 CHAT_READ (client to server): the caller has read a conversation up to a seq. A read
 * position never moves back; in a one-to-one conversation the other user gets an op-37 receipt.
 *
 * <pre>
 * int8 kind, int64 id   the conversation
 * int64 seq             read up to and including this seq
 * </pre>
 */
public record ChatRead(Conversation conversation, long seq) {
  public static final int LENGTH = 17;

  public ChatRead {
    Objects.requireNonNull(conversation, "conversation");
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH);
    conversation.write(out);
    return out.writeLong(seq);
  }

  public static ChatRead decode(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "CHAT_READ");
    return new ChatRead(Conversation.read(in), in.readLong());
  }
}
