package io.herald.wire.chat;

import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Op 38 CHAT_NOTICE (server to client, a plain best-effort frame): news of a read fan-out group.
 *
 * <pre>
 * int8 kind, int64 id   the group
 * int64 seq             its newest seq
 * int8  event           0 NEW: a message was sent (pull history after your cursor);
 *                       1 JOINED: you are a member of this read fan-out group now (join room
 *                         chat://id, then pull); 2 REMOVED: you are no longer a member (leave it)
 * </pre>
 */
public record ChatNotice(Conversation conversation, long seq, Event event) {
  public static final int LENGTH = 18;

  /** What happened. */
  public enum Event {
    NEW,
    JOINED,
    REMOVED
  }

  public ChatNotice {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(event, "event");
  }

  /** The room a client joins to get a read fan-out group's notices: {@code chat://<id>}. */
  public static String room(long groupId) {
    return "chat://" + groupId;
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH);
    conversation.write(out);
    return out.writeLong(seq).writeByte(event.ordinal());
  }

  public static ChatNotice decode(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "CHAT_NOTICE");
    Conversation conversation = Conversation.read(in);
    long seq = in.readLong();
    int event = in.readByte();
    if (event < 0 || event >= Event.values().length) {
      throw new MalformedBodyException("CHAT_NOTICE: unknown event " + event);
    }
    return new ChatNotice(conversation, seq, Event.values()[event]);
  }
}
