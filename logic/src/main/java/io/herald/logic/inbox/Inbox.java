package io.herald.logic.inbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every user's inbox of stored messages (docs/delivery.md). A user's inbox lives in an epoch, a
 * positive number chosen when the first append creates it; its messages have seqs 1, 2, 3... in
 * that epoch. When the inbox is lost (its store was emptied, or it expired after {@code
 * inbox.maxAge} without appends), the next append creates it again in a new epoch, from seq 1.
 * Reads and cursor moves never create an inbox: a user without one reads as epoch 0. Messages are
 * trimmed beyond {@code inbox.maxCount} and past {@code inbox.maxAge}; a read returns at most
 * {@code inbox.syncMaxBytes} of messages (at least one), and a user keeps the cursors of at most
 * {@code inbox.maxDevices} devices.
 *
 * <p>Only users have an inbox: a mid {@code <= 0} (0 is an anonymous connection) has none — an
 * append is refused, a read answers epoch 0 without a reset, a cursor move is ignored.
 *
 * <p>Every call is asynchronous; a failed future carries {@link InboxUnavailableException} when the
 * store failed, and the caller may retry.
 */
public interface Inbox {
  /** Whether {@code mid} may have an inbox: a user's id, not an anonymous connection's 0. */
  static boolean isUser(long mid) {
    return mid > 0;
  }

  /**
   * Appends to {@code mid}'s inbox, atomically: the message gets the previous seq + 1 (1 in a new
   * epoch, created when the user has no inbox). Throws {@link IllegalArgumentException} for a mid
   * that is not {@linkplain #isUser a user's}.
   */
  CompletableFuture<InboxPosition> append(long mid, InboxEntry entry);

  /**
   * Reads {@code mid}'s messages with seq > {@code afterSeq}, at most {@code limit} (positive). The
   * answer is a reset (no messages) when {@code epoch} is not 0 and it is not the inbox's epoch, or
   * {@code afterSeq} is beyond the newest seq, or messages after it were trimmed ({@code afterSeq +
   * 1 < oldestSeq}). Epoch 0 (a reader that has none yet) is never reset. When the user has no
   * inbox the answer has epoch 0 and no messages, and is a reset when {@code epoch} is not 0. The
   * messages stop before they pass {@code inbox.syncMaxBytes} (at least one is returned), with
   * {@code more}.
   */
  CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit);

  /**
   * Reads after device {@code key}'s cursor in the current epoch (with the reset rules of {@link
   * #read}), or from the oldest message kept when the device has no cursor in this epoch.
   */
  CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit);

  /**
   * Moves devices' cursors forward: a cursor of another epoch than its inbox's, not beyond the
   * cursor the device holds, not positive, or beyond the inbox's newest seq is ignored. A new
   * device beyond {@code inbox.maxDevices} drops the cursor of the user's least advanced device.
   * Answers how many moved.
   */
  CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors);

  /** Device key → cursor seq for {@code mid}'s devices, in the inbox's current epoch only. */
  CompletableFuture<Map<String, Long>> cursors(long mid);
}
