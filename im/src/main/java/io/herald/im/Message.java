package io.herald.im;

/**
 * A stored message.
 *
 * @param conv its conversation
 * @param seq its place in the conversation: 1, 2, 3, … without gaps
 * @param id the message id (from IdGen), unique over all conversations
 * @param sender the sending mid; 0 for a system message
 * @param clientMsgId the sender's idempotency key ({@code (sender, clientMsgId)} is unique); the
 *     message id for a system message
 * @param contentType opaque to the store
 * @param content the bytes as sent; the array is shared, not copied: do not modify it
 * @param sentMs when the server accepted it (Unix ms)
 */
@SuppressWarnings("ArrayRecordComponent") // content is handed through, never compared or hashed
public record Message(
    ConvKey conv,
    long seq,
    long id,
    long sender,
    long clientMsgId,
    int contentType,
    byte[] content,
    long sentMs) {

  /**
   * The {@code to} of the wire's message record: the group id of a group message, else the
   * recipient mid (the user of the conversation who is not the sender).
   */
  public long to() {
    if (conv.isGroup()) {
      return conv.groupId();
    }
    return sender == conv.lo() ? conv.hi() : conv.lo();
  }
}
