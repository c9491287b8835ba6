package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Op 33 CHAT_HISTORY_REPLY when it succeeded (else a {@link ChatError}).
 *
 * <pre>
 * int16 status     0
 * int8  flags      bit 0: more (further messages in the direction asked)
 * int64 last_seq   the conversation's newest seq
 * int32 count      then count × (int32 length + CHAT_MESSAGE record), ascending seq
 * </pre>
 */
public record ChatHistoryReply(boolean more, long lastSeq, List<ChatMessage> messages) {
  public ChatHistoryReply {
    messages = List.copyOf(messages);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    int length = 15;
    for (ChatMessage message : messages) {
      length += 4 + message.encodedLength();
    }
    ByteBuf out = alloc.buffer(length);
    out.writeShort(ChatStatus.OK.code()).writeByte(more ? 1 : 0).writeLong(lastSeq);
    out.writeInt(messages.size());
    for (ChatMessage message : messages) {
      out.writeInt(message.encodedLength());
      message.write(out);
    }
    return out;
  }

  /** Reads an OK reply; check {@link ChatError#peek} first. */
  public static ChatHistoryReply decode(ByteBuf in) {
    ChatBodies.requireOk(in, "CHAT_HISTORY_REPLY");
    ChatBodies.requireReadable(in, 9, "CHAT_HISTORY_REPLY");
    boolean more = (in.readByte() & 1) != 0;
    long lastSeq = in.readLong();
    return new ChatHistoryReply(
        more, lastSeq, ChatBodies.readRecords(in, "CHAT_HISTORY_REPLY", ChatMessage::decode));
  }
}
