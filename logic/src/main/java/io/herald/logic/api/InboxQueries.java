package io.herald.logic.api;

import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxRead;
import io.herald.logic.push.InvalidPushException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A backend's read of a user's inbox (gRPC {@code Push.ReadInbox}, HTTP {@code GET /herald/inbox}):
 * the messages after a seq in the current epoch (never a reset), with the cursors of the user's
 * devices.
 */
final class InboxQueries {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** A read and the devices' cursors in the read's epoch. */
  record Answer(InboxRead read, Map<String, Long> cursors) {}

  private final Inbox inbox;

  InboxQueries(Inbox inbox) {
    this.inbox = inbox;
  }

  CompletableFuture<Answer> read(long mid, long afterSeq, int limit) {
    if (afterSeq < 0) {
      throw InvalidPushException.of("after", afterSeq, ">= 0, a seq");
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw InvalidPushException.of(
          "limit", limit, "1 to " + MAX_LIMIT + ", or 0 for " + DEFAULT_LIMIT);
    }
    return inbox
        .read(mid, 0, afterSeq, limit == 0 ? DEFAULT_LIMIT : limit)
        .thenCombine(inbox.cursors(mid), Answer::new);
  }
}
