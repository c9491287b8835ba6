package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One conversation in op 31 CHAT_LIST_REPLY.
 *
 * <pre>
 * int8  kind, int64 id   the conversation, from the caller's view (the other user, or the group)
 * int8  mode             0: write fan-out, messages arrive through the inbox;
 *                        1: read fan-out (a large group): join room chat://id and pull history
 * int64 last_seq         the conversation's newest seq
 * int64 read_seq         how far the caller has read
 * int32 unread           messages after read_seq from others (capped by the server)
 * int64 updated_unix_ms  when the last message was sent
 * int32 length + CHAT_MESSAGE record   the last message; length 0 when there is none
 * </pre>
 */
public record ConversationSummary(
    Conversation conversation,
    FanoutMode mode,
    long lastSeq,
    long readSeq,
    int unread,
    long updatedUnixMs,
    ChatMessage lastMessage) {

  public ConversationSummary {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(mode, "mode");
  }

  void write(ByteBuf out) {
    conversation.write(out);
    out.writeByte(mode.code()).writeLong(lastSeq).writeLong(readSeq).writeInt(unread);
    out.writeLong(updatedUnixMs);
    if (lastMessage == null) {
      out.writeInt(0);
    } else {
      ChatBodies.writeSized(out, lastMessage::write);
    }
  }

  static ConversationSummary read(ByteBuf in) {
    Conversation conversation = Conversation.read(in);
    ChatBodies.requireReadable(in, 33, "conversation summary");
    FanoutMode mode = FanoutMode.of(in.readByte());
    long lastSeq = in.readLong();
    long readSeq = in.readLong();
    int unread = in.readInt();
    long updated = in.readLong();
    ChatMessage last =
        in.getInt(in.readerIndex()) == 0
            ? skipEmpty(in)
            : ChatBodies.readSized(in, "last message", ChatMessage::decode);
    return new ConversationSummary(conversation, mode, lastSeq, readSeq, unread, updated, last);
  }

  private static ChatMessage skipEmpty(ByteBuf in) {
    in.skipBytes(4);
    return null;
  }
}
