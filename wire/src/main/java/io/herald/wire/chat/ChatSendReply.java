package io.herald.wire.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Op 29 CHAT_SEND_REPLY when the send succeeded (else a {@link ChatError}).
 *
 * <pre>
 * int16 status         0
 * int64 message_id
 * int64 seq            the message's place in its conversation
 * int64 sent_unix_ms
 * int8  flags          bit 0: duplicate (this client_msg_id was sent before; this is that message)
 * </pre>
 */
public record ChatSendReply(long messageId, long seq, long sentUnixMs, boolean duplicate) {
  public static final int LENGTH = 27;

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(LENGTH, LENGTH);
    out.writeShort(ChatStatus.OK.code()).writeLong(messageId).writeLong(seq).writeLong(sentUnixMs);
    return out.writeByte(duplicate ? 1 : 0);
  }

  /** Reads an OK reply; check {@link ChatError#peek} first. */
  public static ChatSendReply decode(ByteBuf in) {
    ChatBodies.requireOk(in, "CHAT_SEND_REPLY");
    ChatBodies.requireReadable(in, LENGTH - 2, "CHAT_SEND_REPLY");
    return new ChatSendReply(in.readLong(), in.readLong(), in.readLong(), (in.readByte() & 1) != 0);
  }
}
