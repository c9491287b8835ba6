package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A conversation as a client names it: {@code int8 kind, int64 id} — the other user's id for a
 * one-to-one conversation, the group's id for a group.
 */
public record Conversation(ChatKind kind, long id) {
  static final int LENGTH = 9;

  public Conversation {
    Objects.requireNonNull(kind, "kind");
  }

  public static Conversation user(long mid) {
    return new Conversation(ChatKind.USER, mid);
  }

  public static Conversation group(long groupId) {
    return new Conversation(ChatKind.GROUP, groupId);
  }

  void write(ByteBuf out) {
    out.writeByte(kind.code()).writeLong(id);
  }

  static Conversation read(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "conversation");
    ChatKind kind = ChatKind.of(in.readByte());
    return new Conversation(kind, in.readLong());
  }

  @Override
  public String toString() {
    return (kind == ChatKind.USER ? "user:" : "group:") + id;
  }
}
