package io.herald.client;

import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatList;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatRead;
import io.herald.wire.chat.ChatReadReply;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Chat over the client's connection ({@link HeraldClient#chat()}; protocol version 2): send to a
 * user or a group, list conversations, page through history, mark read. Each request is retried by
 * the builder's {@link ChatRetryPolicy} when it gets no answer (timeout, connection lost, not
 * connected — across reconnects) or a retryable status (UNAVAILABLE, RATE_LIMITED); a send keeps
 * its client message id through the retries, so the server stores it once and answers a repeat with
 * the stored message ({@link ChatSendReply#duplicate()}). Other statuses fail the future with
 * {@link ChatException} at once.
 *
 * <p>Receiving is on when the builder has a {@link ChatListener}: messages and receipts go to it
 * (not to {@link HeraldListener#onMessage}), read fan-out groups are joined and pulled, and the
 * unread counts ({@link #unread}) are kept. Thread-safe; futures complete on the event loop.
 */
public final class Chat {
  private final ClientEventLoop loop;
  private final ChatRequests requests;
  private final ChatSession session; // null: receiving is off
  private final boolean supported;

  Chat(ClientEventLoop loop, ChatRequests requests, ChatSession session, ProtocolVersion version) {
    this.loop = loop;
    this.requests = requests;
    this.session = session;
    this.supported = version != ProtocolVersion.V1;
  }

  /**
   * Sends {@code content} to {@code to} (op 28) under a new random client message id; completes
   * with the stored message's id, seq and time.
   */
  public CompletableFuture<ChatSendReply> send(Conversation to, int contentType, byte[] content) {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return send(to, contentType, content, id);
  }

  /**
   * Sends with the application's own client message id (not 0), say one it persisted to send again
   * after a restart: the server stores one message per (user, client message id).
   */
  public CompletableFuture<ChatSendReply> send(
      Conversation to, int contentType, byte[] content, long clientMsgId) {
    if (clientMsgId == 0) {
      throw new IllegalArgumentException("clientMsgId: 0 (expected: not 0)");
    }
    ChatSend send = new ChatSend(to, clientMsgId, contentType, content.clone());
    return call(() -> requests.send(send));
  }

  /**
   * The user's conversations (op 30), newest first: those updated before {@code beforeUnixMs} (0:
   * the newest), at most {@code limit} (0: the server's default). The reply also updates the unread
   * counts.
   */
  public CompletableFuture<ChatListReply> conversations(long beforeUnixMs, int limit) {
    ChatList list = new ChatList(beforeUnixMs, checkLimit(limit));
    return call(
        () ->
            requests
                .list(list)
                .thenApply(
                    reply -> {
                      if (session != null) {
                        session.listed(reply);
                      }
                      return reply;
                    }));
  }

  /**
   * A page of {@code conversation} (op 32), ascending by seq: with {@code afterSeq > 0} the first
   * {@code limit} after it, else the newest {@code limit} before {@code beforeSeq} (0: no bound).
   */
  public CompletableFuture<ChatHistoryReply> history(
      Conversation conversation, long afterSeq, long beforeSeq, int limit) {
    ChatHistory history = new ChatHistory(conversation, afterSeq, beforeSeq, checkLimit(limit));
    return call(() -> requests.history(history));
  }

  /** Marks {@code conversation} read up to {@code seq} (op 34); updates the unread count. */
  public CompletableFuture<ChatReadReply> markRead(Conversation conversation, long seq) {
    ChatRead read = new ChatRead(conversation, seq);
    return call(
        () ->
            requests
                .read(read)
                .thenApply(
                    reply -> {
                      if (session != null) {
                        session.read(conversation, reply.readSeq());
                      }
                      return reply;
                    }));
  }

  /** The local unread count of {@code conversation} (0 when unknown; needs a chat listener). */
  public int unread(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation");
    return session == null ? 0 : session.unread(conversation);
  }

  /** Every conversation's local unread count known (a snapshot). */
  public Map<Conversation, Integer> unreadCounts() {
    return session == null ? Map.of() : session.unreadCounts();
  }

  /** The read fan-out groups whose rooms ({@code chat://<id>}) the client holds. */
  public Set<Long> readFanoutGroups() {
    return session == null ? Set.of() : loop.call(session::readGroups).join();
  }

  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> request) {
    if (!supported) {
      return CompletableFuture.failedFuture(
          new ChatException(ChatStatus.BAD_REQUEST, "chat needs protocol version 2"));
    }
    return loop.call(request).thenCompose(f -> f);
  }

  private static int checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0, 0 = default)");
    }
    return limit;
  }
}
