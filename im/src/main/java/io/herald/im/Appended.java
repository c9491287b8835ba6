package io.herald.im;

/**
 * The result of {@link ImStore#append}.
 *
 * @param message the stored message, with its seq
 * @param duplicate true if {@code (sender, clientMsgId)} was already stored: {@code message} is the
 *     stored one (its id, seq, time and content are the first send's, not this one's); no row was
 *     written
 */
public record Appended(Message message, boolean duplicate) {}
