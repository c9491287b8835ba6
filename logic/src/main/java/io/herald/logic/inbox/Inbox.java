package io.herald.logic.inbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every user's inbox of stored messages (docs/delivery.md). A user's inbox lives in an epoch, a
 * positive number chosen when it is created; its messages have seqs 1, 2, 3... in that epoch. When
 * the inbox is lost (its store was emptied, or it expired after {@code inbox.maxAge} without
 * appends), the next append or read creates it again in a new epoch, from seq 1. Messages are
 * trimmed beyond {@code inbox.maxCount} and past {@code inbox.maxAge}.
 *
 * <p>Every call is asynchronous; a failed future carries {@link InboxUnavailableException} when the
 * store failed, and the caller may retry.
 */
public interface Inbox {
  /**
   * Appends to {@code mid}'s inbox, atomically: the message gets the previous seq + 1 (1 in a new
   * epoch).
   */
  CompletableFuture<InboxPosition> append(long mid, InboxEntry entry);

  /**
   * Reads {@code mid}'s messages with seq > {@code afterSeq}, at most {@code limit} (positive). The
   * answer is a reset (no messages) when {@code epoch} is not 0 and it is not the inbox's epoch, or
   * {@code afterSeq} is beyond the newest seq, or messages after it were trimmed ({@code afterSeq +
   * 1 < oldestSeq}). Epoch 0 (a reader that has none yet) is never reset.
   */
  CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit);

  /**
   * Reads after device {@code key}'s cursor in the current epoch (with the reset rules of {@link
   * #read}), or from the oldest message kept when the device has no cursor in this epoch.
   */
  CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit);

  /**
   * Moves devices' cursors forward: a cursor of another epoch than its inbox's, not beyond the
   * cursor the device holds, not positive, or beyond the inbox's newest seq is ignored. Answers how
   * many moved.
   */
  CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors);

  /** Device key → cursor seq for {@code mid}'s devices, in the inbox's current epoch only. */
  CompletableFuture<Map<String, Long>> cursors(long mid);
}
