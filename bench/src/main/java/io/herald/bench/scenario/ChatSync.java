package io.herald.bench.scenario;

import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.Conversation;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;

/**
 * A member catching up on {@code missed} chat messages it was offline for, on a protocol version 2
 * TCP device that holds the conversation's first message (seq 1) and nothing after: by the inbox
 * (write fan-out: SYNC, op 19, after the inbox seq it holds and again while the reply says {@code
 * more}) or by the group's history (read fan-out: CHAT_HISTORY, op 32, after seq 1, again while
 * {@code more}). The device first takes message 1 (one SYNC of one message, untimed; the history
 * device starts with cursor 1). Timed from the first request to the arrival of the reply holding
 * the last message; the bytes are the replies' frames (header included). Every message must come
 * once, in the conversation's order; anything else fails the run.
 */
public final class ChatSync {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);
  private static final int FIRST_SEQ = 1_000;
  private static final int HEADER = ProtocolVersion.V2.headerLength();

  private ChatSync() {}

  /**
   * @param nanos first request to the last message's reply
   * @param bytes reply frames' bytes
   * @param roundTrips requests sent
   */
  public record Outcome(long nanos, long bytes, int roundTrips) {}

  /** Catches up by SYNC: the inbox of {@code mid} holds exactly 1 + {@code missed} messages. */
  static Outcome inbox(int port, long mid, int missed, int limit, Duration timeout) {
    try (WireClient device = WireClient.tcp(port, ProtocolVersion.V2)) {
      device.auth(mid, "", "");
      int seq = FIRST_SEQ;
      Received first = syncOnce(device, ++seq, SyncBody.after(0, 0, 1), mid, timeout);
      ByteBuf firstBody = Unpooled.wrappedBuffer(first.body());
      long epoch = SyncReply.decode(firstBody).epoch();
      long held = 1;
      long convSeq = 1;
      int roundTrips = 0;
      long bytes = 0;
      int got = 0;
      long start = System.nanoTime();
      long last;
      boolean more;
      do {
        Received reply = syncOnce(device, ++seq, SyncBody.after(epoch, held, limit), mid, timeout);
        roundTrips++;
        last = reply.arrivedNanos();
        bytes += HEADER + reply.body().length;
        if (reply.body().length == 0) {
          throw fail(mid, "a SYNC was answered empty (could not sync now)");
        }
        ByteBuf body = Unpooled.wrappedBuffer(reply.body());
        SyncReply head = SyncReply.decode(body);
        if (head.reset()) {
          throw fail(mid, "a SYNC was answered " + head);
        }
        epoch = head.epoch();
        List<Frame> messages = SyncReply.messages(body, LIMITS);
        try {
          for (Frame frame : messages) {
            MessageEnvelope envelope = MessageEnvelope.decode(frame.body());
            if (envelope.seq() != held + 1 || envelope.op() != Op.CHAT_MESSAGE) {
              throw fail(mid, "after inbox seq " + held + " came " + envelope);
            }
            held = envelope.seq();
            ChatMessage message = ChatMessage.decode(MessageEnvelope.payload(frame.body()));
            if (message.seq() != convSeq + 1) {
              throw fail(mid, "after message seq " + convSeq + " came " + message.seq());
            }
            convSeq = message.seq();
            got++;
          }
        } finally {
          messages.forEach(Frame::release);
        }
        more = head.more();
      } while (more);
      if (got != missed) {
        throw fail(mid, "the inbox held " + got + " messages (expected: " + missed + ")");
      }
      return new Outcome(last - start, bytes, roundTrips);
    }
  }

  private static Received syncOnce(
      WireClient device, int seq, SyncBody sync, long mid, Duration timeout) {
    ByteBuf body = sync.encode(ByteBufAllocator.DEFAULT);
    try {
      device.send(Op.SYNC, seq, ByteBufUtil.getBytes(body));
    } finally {
      body.release();
    }
    return device.await(
        frame -> frame.op() == Op.SYNC_REPLY && frame.seq() == seq,
        timeout,
        "SYNC_REPLY " + seq + " of mid " + mid + " (" + sync + ")");
  }

  /** Catches up by history: messages 2 to 1 + {@code missed} of group {@code groupId}. */
  static Outcome history(
      int port, long mid, long groupId, int missed, int limit, Duration timeout) {
    try (WireClient device = WireClient.tcp(port, ProtocolVersion.V2)) {
      device.auth(mid, "", "");
      long cursor = 1;
      int seq = FIRST_SEQ;
      int roundTrips = 0;
      long bytes = 0;
      long start = System.nanoTime();
      long last;
      boolean more;
      do {
        int wanted = ++seq;
        ByteBuf ask =
            new ChatHistory(Conversation.group(groupId), cursor, 0, limit)
                .encode(ByteBufAllocator.DEFAULT);
        try {
          device.send(Op.CHAT_HISTORY, wanted, ByteBufUtil.getBytes(ask));
        } finally {
          ask.release();
        }
        Received reply =
            device.await(
                frame -> frame.op() == Op.CHAT_HISTORY_REPLY && frame.seq() == wanted,
                timeout,
                "CHAT_HISTORY_REPLY of mid " + mid + " after seq " + cursor);
        roundTrips++;
        last = reply.arrivedNanos();
        bytes += HEADER + reply.body().length;
        ByteBuf body = Unpooled.wrappedBuffer(reply.body());
        ChatError error = ChatError.peek(body);
        if (error != null) {
          throw fail(mid, "CHAT_HISTORY after seq " + cursor + " was answered " + error);
        }
        ChatHistoryReply page = ChatHistoryReply.decode(body);
        for (ChatMessage message : page.messages()) {
          if (message.seq() != cursor + 1) {
            throw fail(mid, "after seq " + cursor + " came " + message.seq());
          }
          cursor = message.seq();
        }
        more = page.more();
      } while (more);
      if (cursor != missed + 1) {
        throw fail(mid, "the history ended at seq " + cursor + " (expected: " + missed + ")");
      }
      return new Outcome(last - start, bytes, roundTrips);
    }
  }

  private static IllegalStateException fail(long mid, String what) {
    return new IllegalStateException("catch-up of mid " + mid + ": " + what);
  }
}
