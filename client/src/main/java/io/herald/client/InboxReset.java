package io.herald.client;

/**
 * The server could not continue the device's inbox from where it stood: the inbox has a new epoch
 * (its data was lost, or it expired), or the messages after the device's position were trimmed
 * (more than the inbox keeps arrived, or they grew too old). The messages between {@code oldSeq}
 * and {@code oldestSeq} are lost to this device; the client continues after {@code oldestSeq - 1}
 * of {@code epoch}, so the application next sees the oldest message still kept.
 *
 * @param oldEpoch the epoch the device held (0: none)
 * @param oldSeq the seq the device held in {@code oldEpoch}
 * @param epoch the inbox's current epoch
 * @param oldestSeq the oldest seq the inbox still keeps (0 when empty)
 * @param latestSeq the newest seq of the inbox (0 when empty)
 */
public record InboxReset(long oldEpoch, long oldSeq, long epoch, long oldestSeq, long latestSeq) {}
