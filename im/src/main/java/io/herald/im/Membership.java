package io.herald.im;

/**
 * A user's membership of a group.
 *
 * @param groupId the group
 * @param mid the member
 * @param joinedSeq the group's last seq when the member joined: the member sees messages after it
 * @param joinedMs when the member joined (Unix ms)
 */
public record Membership(long groupId, long mid, long joinedSeq, long joinedMs) {}
