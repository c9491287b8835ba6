package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Op 32 CHAT_HISTORY (client to server): a page of one conversation's messages.
 *
 * <pre>
 * int8 kind, int64 id   the conversation
 * int64 after_seq       &gt; 0: the first `limit` messages with seq &gt; after_seq (catching up)
 * int64 before_seq      when after_seq is 0: the newest `limit` with seq &lt; before_seq
 *                       (0 = no bound: the newest); paging back
 * int32 limit           0 = the server's default
 * </pre>
 *
 * <p>Either way the reply lists them in ascending seq. A group member sees only what was sent after
 * they joined.
 */
public record ChatHistory(Conversation conversation, long afterSeq, long beforeSeq, int limit) {
  public static final int LENGTH = 29;

  public ChatHistory {
    Objects.requireNonNull(conversation, "conversation");
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH);
    conversation.write(out);
    return out.writeLong(afterSeq).writeLong(beforeSeq).writeInt(limit);
  }

  public static ChatHistory decode(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "CHAT_HISTORY");
    return new ChatHistory(Conversation.read(in), in.readLong(), in.readLong(), in.readInt());
  }
}
