package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Op 31 CHAT_LIST_REPLY when it succeeded (else a {@link ChatError}).
 *
 * <pre>
 * int16 status   0
 * int8  flags    bit 0: more (ask again with before_unix_ms = the last one's updated_unix_ms)
 * int32 count    then count {@link ConversationSummary} records, newest first
 * </pre>
 */
public record ChatListReply(boolean more, List<ConversationSummary> conversations) {
  public ChatListReply {
    conversations = List.copyOf(conversations);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(7 + conversations.size() * 96);
    out.writeShort(ChatStatus.OK.code()).writeByte(more ? 1 : 0).writeInt(conversations.size());
    for (ConversationSummary summary : conversations) {
      summary.write(out);
    }
    return out;
  }

  /** Reads an OK reply; check {@link ChatError#peek} first. */
  public static ChatListReply decode(ByteBuf in) {
    ChatBodies.requireOk(in, "CHAT_LIST_REPLY");
    ChatBodies.requireReadable(in, 5, "CHAT_LIST_REPLY");
    boolean more = (in.readByte() & 1) != 0;
    int count = in.readInt();
    if (count < 0 || count > ChatBodies.MAX_RECORDS || count > in.readableBytes() / 42) {
      throw new io.herald.wire.delivery.MalformedBodyException(
          "CHAT_LIST_REPLY: count " + count + " does not fit the body");
    }
    ConversationSummary[] list = new ConversationSummary[count];
    for (int i = 0; i < count; i++) {
      list[i] = ConversationSummary.read(in);
    }
    return new ChatListReply(more, List.of(list));
  }
}
