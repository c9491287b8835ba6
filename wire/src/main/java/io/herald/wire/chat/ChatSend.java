package io.herald.wire.chat;

import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.Objects;

/**
 * Op 28 CHAT_SEND (client to server): a message to another user or to a group.
 *
 * <pre>
 * int8  kind            1 user, 2 group
 * int64 to              the user id or group id
 * int64 client_msg_id   the sender's id for this message, not 0; a retry sends the same one
 * int32 content_type    the application's (1 = UTF-8 text by convention)
 * ...   content         the rest
 * </pre>
 *
 * <p>Answered by op 29 with the same frame seq.
 */
public record ChatSend(Conversation to, long clientMsgId, int contentType, byte[] content) {
  /** Bytes before the content. */
  public static final int HEAD_LENGTH = 21;

  public ChatSend {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(content, "content");
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(HEAD_LENGTH + content.length);
    to.write(out);
    out.writeLong(clientMsgId).writeInt(contentType).writeBytes(content);
    return out;
  }

  public static ChatSend decode(ByteBuf in) {
    ChatBodies.requireReadable(in, HEAD_LENGTH, "CHAT_SEND");
    Conversation to = Conversation.read(in);
    long clientMsgId = in.readLong();
    if (clientMsgId == 0) {
      throw new MalformedBodyException("CHAT_SEND: client_msg_id is 0");
    }
    return new ChatSend(to, clientMsgId, in.readInt(), ChatBodies.rest(in));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChatSend s
        && to.equals(s.to)
        && clientMsgId == s.clientMsgId
        && contentType == s.contentType
        && Arrays.equals(content, s.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(to, clientMsgId, contentType) * 31 + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "ChatSend[to="
        + to
        + ", client_msg_id="
        + clientMsgId
        + ", "
        + content.length
        + " bytes]";
  }
}
