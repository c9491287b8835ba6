package io.herald.logic.inbox;

import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.proto.common.v1.InboxMessage;
import java.util.Base64;

/**
 * The inbox's Redis keys and values. The three keys of a user share the hash tag {@code {<mid>}},
 * so one Lua script may touch all three on a cluster:
 *
 * <ul>
 *   <li>{@code <prefix>:inbox:{<mid>}}: hash {@code epoch}, {@code seq} (the newest seq);
 *   <li>{@code <prefix>:inbox:{<mid>}:log}: sorted set scored by seq; a member is {@code
 *       <acceptUnixMs>:<seq>:<base64 of the InboxMessage without its seq>} (the connection speaks
 *       UTF-8 strings, hence base64; the scripts read the accept time for age trimming, the seq
 *       keeps members of equal content apart);
 *   <li>{@code <prefix>:inbox:{<mid>}:cur}: hash device key → {@code <epoch>:<seq>}.
 * </ul>
 *
 * All three expire {@code inbox.maxAge} after the last append.
 */
record RedisInboxKeys(String prefix) {
  String[] of(long mid) {
    String meta = prefix + ":inbox:{" + mid + "}";
    return new String[] {meta, meta + ":log", meta + ":cur"};
  }

  /** The part of a log member after {@code <acceptUnixMs>:<seq>:}. */
  static String payload(InboxEntry entry) {
    InboxMessage message =
        InboxMessage.newBuilder()
            .setMessageId(entry.messageId())
            .setOp(entry.op())
            .setBody(entry.body())
            .setAcceptUnixMs(entry.acceptUnixMs())
            .build();
    return Base64.getEncoder().encodeToString(message.toByteArray());
  }

  /** The message a log member holds; {@code null} if it is malformed. */
  static InboxMessage message(String member) {
    int accept = member.indexOf(':');
    int seq = accept < 0 ? -1 : member.indexOf(':', accept + 1);
    if (seq < 0) {
      return null;
    }
    try {
      return InboxMessage.parseFrom(Base64.getDecoder().decode(member.substring(seq + 1)))
          .toBuilder()
          .setSeq(Long.parseLong(member.substring(accept + 1, seq)))
          .build();
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return null;
    }
  }
}
