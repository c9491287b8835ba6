package io.herald.im;

/**
 * A group as stored.
 *
 * @param id the group id (from IdGen, passed to {@link ImStore#createGroup})
 * @param name up to 128 characters
 * @param owner the owner's mid (0 = the system)
 * @param memberCount members now
 * @param createdMs when it was created (Unix ms)
 * @param lastSeq the seq of its last message, 0 if none
 */
public record Group(
    long id, String name, long owner, int memberCount, long createdMs, long lastSeq) {}
