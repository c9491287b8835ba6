package io.herald.logic.inbox;

/**
 * Where an appended message sits in its user's inbox.
 *
 * @param epoch the inbox's epoch (positive; changes when the inbox was lost)
 * @param seq the message's sequence in that epoch, from 1
 */
public record InboxPosition(long epoch, long seq) {}
