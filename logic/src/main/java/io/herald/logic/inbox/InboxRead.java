package io.herald.logic.inbox;

import io.herald.proto.common.v1.InboxMessage;
import java.util.List;

/**
 * What a read of an inbox answers.
 *
 * @param epoch the inbox's current epoch
 * @param oldestSeq the oldest seq kept; 0 when nothing was ever appended in this epoch, {@code
 *     latestSeq + 1} when everything appended was trimmed
 * @param latestSeq the newest seq appended in this epoch (0: none)
 * @param messages messages after the requested seq, ascending; empty with {@code reset}
 * @param more more messages follow the last one returned
 * @param reset the requested (epoch, seq) no longer fits the inbox (another epoch, a seq beyond
 *     {@code latestSeq}, or messages after it trimmed): the reader gives up the gap and continues
 *     after {@code oldestSeq - 1} in {@code epoch}
 */
public record InboxRead(
    long epoch,
    long oldestSeq,
    long latestSeq,
    List<InboxMessage> messages,
    boolean more,
    boolean reset) {
  public InboxRead {
    messages = List.copyOf(messages);
  }
}
