package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.Objects;

/**
 * A chat message as stored and delivered: the body of op 36 CHAT_MESSAGE (inside an op-26 MESSAGE
 * or a SYNC_REPLY), and each record of a history or conversation list.
 *
 * <pre>
 * int64 message_id     unique across the cluster (IdGen or Logic's Snowflake)
 * int8  kind           1 one-to-one, 2 group
 * int64 to             the recipient's user id, or the group id
 * int64 from           the sender's user id; 0 for a system message
 * int64 seq            the message's place in its conversation: 1, 2, 3, ... without gaps
 * int64 sent_unix_ms   when the server accepted it
 * int64 client_msg_id  the sender's own id for it (a retried send returns the same message)
 * int32 content_type   the application's (1 = UTF-8 text by convention)
 * ...   content        the rest
 * </pre>
 */
public record ChatMessage(
    long messageId,
    ChatKind kind,
    long to,
    long from,
    long seq,
    long sentUnixMs,
    long clientMsgId,
    int contentType,
    byte[] content) {
  /** Bytes before the content. */
  public static final int HEAD_LENGTH = 53;

  public ChatMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(content, "content");
  }

  /** The conversation this message belongs to, as user {@code me} names it. */
  public Conversation conversationFor(long me) {
    if (kind == ChatKind.GROUP) {
      return Conversation.group(to);
    }
    return Conversation.user(from == me ? to : from);
  }

  public int encodedLength() {
    return HEAD_LENGTH + content.length;
  }

  public void write(ByteBuf out) {
    out.writeLong(messageId).writeByte(kind.code()).writeLong(to).writeLong(from);
    out.writeLong(seq).writeLong(sentUnixMs).writeLong(clientMsgId).writeInt(contentType);
    out.writeBytes(content);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(encodedLength());
    write(out);
    return out;
  }

  /** Reads a whole op-36 body (or one list record): the content is the rest of {@code in}. */
  public static ChatMessage decode(ByteBuf in) {
    ChatBodies.requireReadable(in, HEAD_LENGTH, "CHAT_MESSAGE");
    long messageId = in.readLong();
    ChatKind kind = ChatKind.of(in.readByte());
    return new ChatMessage(
        messageId,
        kind,
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readInt(),
        ChatBodies.rest(in));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChatMessage m
        && messageId == m.messageId
        && kind == m.kind
        && to == m.to
        && from == m.from
        && seq == m.seq
        && sentUnixMs == m.sentUnixMs
        && clientMsgId == m.clientMsgId
        && contentType == m.contentType
        && Arrays.equals(content, m.content);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(messageId) * 31 + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "ChatMessage[id="
        + messageId
        + ", "
        + kind
        + " to="
        + to
        + ", from="
        + from
        + ", seq="
        + seq
        + ", "
        + content.length
        + " bytes]";
  }
}
