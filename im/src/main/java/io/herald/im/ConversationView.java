package io.herald.im;

/**
 * One conversation in a user's list ({@link ImStore#conversations}), from that user's view.
 *
 * @param conv the stored key
 * @param kind user or group
 * @param id the peer's mid (one-to-one) or the group id
 * @param lastSeq the conversation's last seq (0 = no message yet)
 * @param readSeq the user's read cursor (0 = nothing read)
 * @param unread messages after {@code max(readSeq, joinedSeq)} not sent by the user, capped at the
 *     cap asked for
 * @param updatedMs when the last message was sent, or the conversation created (Unix ms)
 * @param lastMessage the last message, null if there is none (a new group)
 * @param memberCount the group's member count; 0 for one-to-one
 */
public record ConversationView(
    ConvKey conv,
    ConvKind kind,
    long id,
    long lastSeq,
    long readSeq,
    int unread,
    long updatedMs,
    Message lastMessage,
    int memberCount) {}
