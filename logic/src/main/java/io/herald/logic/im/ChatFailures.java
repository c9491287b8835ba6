package io.herald.logic.im;

import io.herald.im.GroupFullException;
import io.herald.im.ImUnavailableException;
import io.herald.im.NoSuchGroupException;
import io.herald.logic.Failures;
import io.herald.logic.ids.MessageIdsUnavailableException;
import io.herald.logic.inbox.InboxUnavailableException;
import io.herald.logic.push.PushUnavailableException;
import io.herald.wire.chat.ChatStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failure of a chat request answers, by the wire's status table: a refusal keeps its status;
 * a store's missing group is NOT_FOUND, a full group LIMIT_EXCEEDED, a bad argument BAD_REQUEST; a
 * database, inbox, queue or id source that cannot be reached, and anything unexpected (logged), is
 * UNAVAILABLE: the client retries with the same client message id.
 */
final class ChatFailures {
  private static final Logger log = LoggerFactory.getLogger(ChatFailures.class);

  private ChatFailures() {}

  /**
   * Runs chat request {@code op}, counting it by status in {@code metrics} (a database failure also
   * as a store error); a failure, thrown or returned, becomes a {@link ChatException}.
   */
  static <T> CompletableFuture<T> counted(
      ImMetrics metrics, String op, Supplier<CompletableFuture<T>> request) {
    CompletableFuture<T> answer;
    try {
      answer = request.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (value, e) -> {
          if (e == null) {
            metrics.request(op, "ok");
            return value;
          }
          ChatException failure = of(e);
          if (isStore(e)) {
            metrics.storeError(op);
          }
          metrics.request(op, ImMetrics.tag(failure.status()));
          throw failure;
        });
  }

  static ChatException of(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof ChatException chat) {
      return chat;
    }
    if (cause instanceof NoSuchGroupException missing) {
      return new ChatException(ChatStatus.NOT_FOUND, "group: no group " + missing.groupId());
    }
    if (cause instanceof GroupFullException full) {
      return new ChatException(
          ChatStatus.LIMIT_EXCEEDED,
          "members: group "
              + full.groupId()
              + " has "
              + full.memberCount()
              + " (expected: at most "
              + full.limit()
              + " in all)");
    }
    if (cause instanceof IllegalArgumentException bad) {
      return new ChatException(ChatStatus.BAD_REQUEST, bad.getMessage());
    }
    if (cause instanceof ImUnavailableException
        || cause instanceof PushUnavailableException
        || cause instanceof InboxUnavailableException
        || cause instanceof MessageIdsUnavailableException) {
      return new ChatException(ChatStatus.UNAVAILABLE, cause.getMessage(), cause);
    }
    if (cause instanceof RejectedExecutionException) {
      return new ChatException(
          ChatStatus.UNAVAILABLE, "im: too many database calls waiting; retry later", cause);
    }
    log.warn("Chat request failed unexpectedly", cause);
    return new ChatException(ChatStatus.UNAVAILABLE, "im: " + Failures.reason(cause), cause);
  }

  /** Whether the failure was the database's (counted in {@code store.errors}). */
  static boolean isStore(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    return cause instanceof ImUnavailableException || cause instanceof RejectedExecutionException;
  }
}
