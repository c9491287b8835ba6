package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Op 30 CHAT_LIST (client to server): a page of the caller's conversations, newest first.
 *
 * <pre>
 * int64 before_unix_ms  only conversations updated before this; 0 = from the newest
 * int32 limit           at most this many; 0 = the server's default
 * </pre>
 */
public record ChatList(long beforeUnixMs, int limit) {
  public static final int LENGTH = 12;

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(LENGTH, LENGTH).writeLong(beforeUnixMs).writeInt(limit);
  }

  public static ChatList decode(ByteBuf in) {
    ChatBodies.requireReadable(in, LENGTH, "CHAT_LIST");
    return new ChatList(in.readLong(), in.readInt());
  }
}
