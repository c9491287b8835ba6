package io.herald.im;

/**
 * A user's read state of one conversation after {@link ImStore#markRead}.
 *
 * @param readSeq the read cursor (never moved back)
 * @param unread messages after it (and after the user's joined seq in a group) not sent by the
 *     user, capped
 */
public record ReadState(long readSeq, int unread) {}
