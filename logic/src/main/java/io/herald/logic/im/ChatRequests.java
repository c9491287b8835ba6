package io.herald.logic.im;

import com.google.protobuf.ByteString;
import io.herald.wire.Op;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatList;
import io.herald.wire.chat.ChatRead;
import io.herald.wire.chat.ChatReadReply;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat requests clients send over their connection (ops 28 CHAT_SEND, 30 CHAT_LIST, 32
 * CHAT_HISTORY, 34 CHAT_READ), as the Comet hands them to Logic's {@code Receive}: decodes the
 * body, asks the {@link ImService}, and encodes the reply (op + 1). Every outcome is a reply: a
 * malformed body is BAD_REQUEST (counted in {@code herald.logic.im.malformed{op}}, logged at
 * debug), a refusal or failure its status ({@link ChatError}); the future never fails.
 */
public final class ChatRequests {
  private static final Logger log = LoggerFactory.getLogger(ChatRequests.class);
  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  /** What a client gets for a chat request while {@code im.enabled} is off. */
  static final String DISABLED = "chat is not enabled on this server";

  /** The reply frame: its op, its body, and the message id a send stored (else 0). */
  public record Reply(int op, ByteString body, long messageId) {}

  private final ImService service;
  private final ImMetrics metrics;

  ChatRequests(ImService service, ImMetrics metrics) {
    this.service = service;
    this.metrics = metrics;
  }

  /**
   * Answers every chat request UNAVAILABLE {@value #DISABLED}: a Logic without {@code im.enabled}
   * (a Comet forwards chat ops whatever Logic serves; the client learns it from the reply).
   */
  public static ChatRequests disabled() {
    return new ChatRequests(null, null);
  }

  /** The reply to chat request {@code op} from user {@code mid}. */
  public CompletableFuture<Reply> handle(long mid, int op, ByteString body) {
    if (!Op.isChatRequest(op)) {
      throw new IllegalArgumentException("op: " + op + " (expected: a chat request 28/30/32/34)");
    }
    if (service == null) {
      return CompletableFuture.completedFuture(
          error(op, new ChatException(ChatStatus.UNAVAILABLE, DISABLED)));
    }
    CompletableFuture<Reply> reply;
    try {
      ByteBuf in = Unpooled.wrappedBuffer(body.asReadOnlyByteBuffer());
      reply =
          switch (op) {
            case Op.CHAT_SEND -> send(mid, ChatSend.decode(in));
            case Op.CHAT_LIST -> list(mid, ChatList.decode(in));
            case Op.CHAT_HISTORY -> history(mid, ChatHistory.decode(in));
            default -> read(mid, ChatRead.decode(in));
          };
    } catch (MalformedBodyException e) {
      metrics.malformed(Op.name(op).toLowerCase(Locale.ROOT));
      log.debug("Malformed {} body from user {}: {}", Op.name(op), mid, e.getMessage());
      return CompletableFuture.completedFuture(
          error(op, new ChatException(ChatStatus.BAD_REQUEST, e.getMessage())));
    }
    return reply.exceptionally(e -> error(op, ChatFailures.of(e)));
  }

  private CompletableFuture<Reply> send(long mid, ChatSend send) {
    return service
        .send(
            new ImService.Send(
                mid,
                send.to().kind(),
                send.to().id(),
                send.clientMsgId(),
                send.contentType(),
                send.content(),
                true))
        .thenApply(
            appended ->
                new Reply(
                    Op.CHAT_SEND_REPLY,
                    bytes(
                        new ChatSendReply(
                                appended.message().id(),
                                appended.message().seq(),
                                appended.message().sentMs(),
                                appended.duplicate())
                            ::encode),
                    appended.message().id()));
  }

  private CompletableFuture<Reply> list(long mid, ChatList list) {
    return service
        .list(mid, list.beforeUnixMs(), list.limit())
        .thenApply(reply -> new Reply(Op.CHAT_LIST_REPLY, bytes(reply::encode), 0));
  }

  private CompletableFuture<Reply> history(long mid, ChatHistory history) {
    return service
        .history(
            mid, history.conversation(), history.afterSeq(), history.beforeSeq(), history.limit())
        .thenApply(reply -> new Reply(Op.CHAT_HISTORY_REPLY, bytes(reply::encode), 0));
  }

  private CompletableFuture<Reply> read(long mid, ChatRead read) {
    return service
        .read(mid, read.conversation(), read.seq())
        .thenApply(
            state ->
                new Reply(
                    Op.CHAT_READ_REPLY,
                    bytes(new ChatReadReply(state.readSeq(), state.unread())::encode),
                    0));
  }

  private static Reply error(int op, ChatException failure) {
    return new Reply(
        op + 1, bytes(new ChatError(failure.status(), failure.getMessage())::encode), 0);
  }

  static ByteString bytes(Function<ByteBufAllocator, ByteBuf> encode) {
    ByteBuf buf = encode.apply(ALLOC);
    try {
      return ByteString.copyFrom(buf.nioBuffer());
    } finally {
      buf.release();
    }
  }
}
