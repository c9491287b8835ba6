package io.herald.client;

import io.herald.wire.Op;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatList;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatRead;
import io.herald.wire.chat.ChatReadReply;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat requests (ops 28, 30, 32, 34) with their retries ({@link ChatRetryPolicy}): each attempt
 * goes out on the connection there is then, the same bytes every time (a send keeps its client
 * message id). A reply with a status other than OK fails the request with {@link ChatException}, at
 * once unless the status is retryable. Confined to the event loop.
 */
final class ChatRequests {
  private static final Logger log = LoggerFactory.getLogger(ChatRequests.class);

  /** Where the requests go: the client's current connection. */
  @FunctionalInterface
  interface Link {
    CompletableFuture<Message> request(int op, byte[] body, int replyOp);
  }

  private final Link link;
  private final ChatRetryPolicy policy;
  private final ClientScheduler timers;
  private final DoubleSupplier random;
  private final Set<CompletableFuture<?>> waiting = new HashSet<>();
  private boolean closed;

  ChatRequests(Link link, ChatRetryPolicy policy, ClientScheduler timers, DoubleSupplier random) {
    this.link = link;
    this.policy = policy;
    this.timers = timers;
    this.random = random;
  }

  CompletableFuture<ChatSendReply> send(ChatSend send) {
    return call(
        Op.CHAT_SEND, bytes(send.encode(UnpooledByteBufAllocator.DEFAULT)), ChatSendReply::decode);
  }

  CompletableFuture<ChatListReply> list(ChatList list) {
    return call(
        Op.CHAT_LIST, bytes(list.encode(UnpooledByteBufAllocator.DEFAULT)), ChatListReply::decode);
  }

  CompletableFuture<ChatHistoryReply> history(ChatHistory history) {
    return call(
        Op.CHAT_HISTORY,
        bytes(history.encode(UnpooledByteBufAllocator.DEFAULT)),
        ChatHistoryReply::decode);
  }

  CompletableFuture<ChatReadReply> read(ChatRead read) {
    return call(
        Op.CHAT_READ, bytes(read.encode(UnpooledByteBufAllocator.DEFAULT)), ChatReadReply::decode);
  }

  /** Fails every request waiting for its next attempt: the client is closing. */
  void close() {
    closed = true;
    List<CompletableFuture<?>> all = List.copyOf(waiting);
    waiting.clear();
    all.forEach(
        f -> f.completeExceptionally(new ChatException(ChatStatus.UNAVAILABLE, "client closed")));
  }

  private <T> CompletableFuture<T> call(int op, byte[] body, Function<ByteBuf, T> decode) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(op, body, decode, result, 1);
    return result;
  }

  private <T> void attempt(
      int op, byte[] body, Function<ByteBuf, T> decode, CompletableFuture<T> result, int attempt) {
    waiting.remove(result);
    if (result.isDone()) {
      return;
    }
    if (closed) {
      result.completeExceptionally(new ChatException(ChatStatus.UNAVAILABLE, "client closed"));
      return;
    }
    CompletableFuture<Message> reply;
    try {
      reply = link.request(op, body, op + 1);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    var unused =
        reply.whenComplete(
            (message, error) -> {
              if (error != null) {
                if (!ChatRetryPolicy.retryable(error)) {
                  result.completeExceptionally(
                      new ChatException(ChatStatus.UNAVAILABLE, error.getMessage(), error));
                } else {
                  retry(op, body, decode, result, attempt, error.toString(), error);
                }
                return;
              }
              answered(op, body, decode, result, attempt, message);
            });
  }

  private <T> void answered(
      int op,
      byte[] body,
      Function<ByteBuf, T> decode,
      CompletableFuture<T> result,
      int attempt,
      Message message) {
    ByteBuf reply = Unpooled.wrappedBuffer(message.body());
    try {
      ChatError error = ChatError.peek(reply);
      if (error == null) {
        result.complete(decode.apply(reply));
      } else if (error.status().retryable()) {
        retry(op, body, decode, result, attempt, error.toString(), null);
      } else {
        result.completeExceptionally(new ChatException(error.status(), error.message()));
      }
    } catch (MalformedBodyException e) {
      log.warn("Bad {} from the server: {}", Op.name(op + 1), e.getMessage());
      result.completeExceptionally(
          new ChatException(ChatStatus.UNAVAILABLE, "malformed reply: " + e.getMessage(), e));
    }
  }

  private <T> void retry(
      int op,
      byte[] body,
      Function<ByteBuf, T> decode,
      CompletableFuture<T> result,
      int attempt,
      String why,
      Throwable cause) {
    if (!policy.retriesAfter(attempt)) {
      result.completeExceptionally(
          new ChatException(
              ChatStatus.UNAVAILABLE,
              "no answer to " + Op.name(op) + " after " + attempt + " attempts (last: " + why + ")",
              cause));
      return;
    }
    log.debug("{} attempt {} failed ({}); retrying", Op.name(op), attempt, why);
    waiting.add(result);
    var unused =
        timers.schedule(
            () -> attempt(op, body, decode, result, attempt + 1),
            policy.delay(attempt, random.getAsDouble()));
  }

  private static byte[] bytes(ByteBuf encoded) {
    try {
      return ByteBufUtil.getBytes(encoded);
    } finally {
      encoded.release();
    }
  }
}
