package io.herald.im;

/**
 * One of a user's groups, from {@link ImStore#groupsOf}.
 *
 * @param groupId the group
 * @param memberCount its members now (the caller decides write or read fan-out from it)
 */
public record GroupRef(long groupId, int memberCount) {}
