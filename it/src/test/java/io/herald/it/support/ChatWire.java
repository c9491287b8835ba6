package io.herald.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatList;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatRead;
import io.herald.wire.chat.ChatReadReply;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.Conversation;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One version 2 device speaking the chat ops over a {@link WireClient}, frame by frame: what the
 * SDKs do, without their retries and caches, so a test sees exactly what the server answered.
 */
public final class ChatWire {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

  private final WireClient wire;
  private final long mid;

  public ChatWire(WireClient wire, long mid) {
    this.wire = wire;
    this.mid = mid;
  }

  public WireClient wire() {
    return wire;
  }

  public long mid() {
    return mid;
  }

  /** A send's answer: the reply, or the error. */
  public record Sent(ChatSendReply reply, ChatError error) {
    public ChatSendReply ok() {
      assertThat(error).as("send refused").isNull();
      return reply;
    }
  }

  public CompletableFuture<Sent> sendAsync(Conversation to, long clientMsgId, String text) {
    byte[] body =
        bytes(
            new ChatSend(to, clientMsgId, 1, text.getBytes(StandardCharsets.UTF_8)).encode(ALLOC));
    return wire.request(Op.CHAT_SEND, body)
        .thenApply(reply -> decodeReply(reply, Op.CHAT_SEND_REPLY, ChatSendReply::decode))
        .thenApply(
            r -> r instanceof ChatError e ? new Sent(null, e) : new Sent((ChatSendReply) r, null));
  }

  public Sent send(Conversation to, long clientMsgId, String text) {
    return join(sendAsync(to, clientMsgId, text));
  }

  public ChatSendReply sent(Conversation to, long clientMsgId, String text) {
    return send(to, clientMsgId, text).ok();
  }

  public Object list(long beforeUnixMs, int limit) {
    return request(
        Op.CHAT_LIST, new ChatList(beforeUnixMs, limit).encode(ALLOC), ChatListReply::decode);
  }

  public ChatListReply conversations() {
    return ok(list(0, 0), ChatListReply.class);
  }

  public Object history(Conversation conversation, long afterSeq, long beforeSeq, int limit) {
    return request(
        Op.CHAT_HISTORY,
        new ChatHistory(conversation, afterSeq, beforeSeq, limit).encode(ALLOC),
        ChatHistoryReply::decode);
  }

  public ChatHistoryReply historyOk(
      Conversation conversation, long afterSeq, long beforeSeq, int limit) {
    return ok(history(conversation, afterSeq, beforeSeq, limit), ChatHistoryReply.class);
  }

  public Object read(Conversation conversation, long seq) {
    return request(
        Op.CHAT_READ, new ChatRead(conversation, seq).encode(ALLOC), ChatReadReply::decode);
  }

  public ChatReadReply readOk(Conversation conversation, long seq) {
    return ok(read(conversation, seq), ChatReadReply.class);
  }

  /** The chat messages pushed to this device so far (op 26 holding op 36), in arrival order. */
  public List<ChatMessage> pushedMessages() {
    return enveloped(Op.CHAT_MESSAGE, ChatMessage::decode);
  }

  /** The read receipts pushed to this device so far (op 26 holding op 37). */
  public List<ChatReceipt> pushedReceipts() {
    return enveloped(Op.CHAT_RECEIPT, ChatReceipt::decode);
  }

  /** The op-38 notices so far. */
  public List<ChatNotice> notices() {
    List<ChatNotice> notices = new ArrayList<>();
    for (Received frame : wire.frames()) {
      if (frame.op() == Op.CHAT_NOTICE) {
        notices.add(ChatNotice.decode(Unpooled.wrappedBuffer(frame.body())));
      }
    }
    return notices;
  }

  /** Every chat message in the user's inbox (SYNC from the start, page after page). */
  public List<ChatMessage> syncAll() {
    List<ChatMessage> messages = new ArrayList<>();
    long epoch = 0;
    long after = 0;
    while (true) {
      Received reply =
          join(wire.request(Op.SYNC, bytes(SyncBody.after(epoch, after, 500).encode(ALLOC))));
      assertThat(reply.op()).isEqualTo(Op.SYNC_REPLY);
      assertThat(reply.body()).as("SYNC_REPLY with a head (the inbox could be read)").isNotEmpty();
      ByteBuf body = Unpooled.wrappedBuffer(reply.body());
      SyncReply head = SyncReply.decode(body);
      assertThat(head.reset()).as("no reset").isFalse();
      List<Frame> frames = SyncReply.messages(body, FrameLimits.DEFAULT);
      try {
        for (Frame frame : frames) {
          MessageEnvelope envelope = MessageEnvelope.decode(frame.body());
          if (envelope.op() == Op.CHAT_MESSAGE) {
            messages.add(ChatMessage.decode(MessageEnvelope.payload(frame.body())));
          }
          after = envelope.seq();
        }
      } finally {
        frames.forEach(Frame::release);
      }
      epoch = head.epoch();
      if (!head.more()) {
        return messages;
      }
    }
  }

  private <T> List<T> enveloped(int op, Function<ByteBuf, T> decode) {
    List<T> out = new ArrayList<>();
    for (Received frame : wire.frames()) {
      if (frame.op() == Op.MESSAGE) {
        ByteBuf body = Unpooled.wrappedBuffer(frame.body());
        if (MessageEnvelope.decode(body).op() == op) {
          out.add(decode.apply(MessageEnvelope.payload(body)));
        }
      }
    }
    return out;
  }

  private Object request(int op, ByteBuf body, Function<ByteBuf, ?> decode) {
    return join(wire.request(op, bytes(body)).thenApply(r -> decodeReply(r, op + 1, decode)));
  }

  private static Object decodeReply(Received reply, int op, Function<ByteBuf, ?> decode) {
    assertThat(reply.op()).as("reply op").isEqualTo(op);
    assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
    ByteBuf body = Unpooled.wrappedBuffer(reply.body());
    ChatError error = ChatError.peek(body);
    return error != null ? error : decode.apply(body);
  }

  /** {@code reply} as {@code type}, failing with the server's error if it was one. */
  public static <T> T ok(Object reply, Class<T> type) {
    assertThat(reply).as("an OK reply").isInstanceOf(type);
    return type.cast(reply);
  }

  private static byte[] bytes(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no chat reply within " + REPLY_WAIT, e);
    }
  }
}
