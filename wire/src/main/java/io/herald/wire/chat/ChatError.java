package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * A chat reply that did not succeed: {@code int16 status} (not 0), then {@code int16 length +
 * UTF-8} message. Any reply op (29, 31, 33, 35) may carry it instead of its fields.
 */
public record ChatError(ChatStatus status, String message) {
  public ChatError {
    Objects.requireNonNull(status, "status");
    if (status == ChatStatus.OK) {
      throw new IllegalArgumentException("an error needs a status other than OK");
    }
    message = message == null ? "" : message;
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(4 + message.length());
    out.writeShort(status.code());
    ChatBodies.writeString(out, message);
    return out;
  }

  /**
   * The error at the head of a reply body, or null when its status is OK. The reader index is left
   * as it was.
   */
  public static ChatError peek(ByteBuf body) {
    ChatBodies.requireReadable(body, 2, "chat reply status");
    int code = body.getShort(body.readerIndex());
    if (code == ChatStatus.OK.code()) {
      return null;
    }
    ByteBuf in = body.duplicate().skipBytes(2);
    return new ChatError(ChatStatus.of(code), ChatBodies.readString(in, "chat error message"));
  }

  @Override
  public String toString() {
    return status + (message.isEmpty() ? "" : ": " + message);
  }
}
