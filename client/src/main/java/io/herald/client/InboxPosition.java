package io.herald.client;

/**
 * Where a device stands in its user's inbox: the last stored message it was handed, without a gap,
 * as {@code seq} of {@code epoch}. A new inbox (Redis flushed, or idle past its maximum age) has a
 * new epoch and starts at seq 1 again.
 *
 * @param epoch the inbox's epoch, positive
 * @param seq the last seq handed to the application in that epoch; 0 = none yet
 */
public record InboxPosition(long epoch, long seq) {
  public InboxPosition {
    if (epoch <= 0 || seq < 0) {
      throw new IllegalArgumentException(
          "inbox position epoch " + epoch + ", seq " + seq + " (expected: epoch > 0, seq >= 0)");
    }
  }
}
