package io.herald.im;

import java.util.Objects;

/**
 * A message to append; the store gives it its seq.
 *
 * @param conv the conversation (its one-to-one row is created on first use; a group's exists from
 *     {@link ImStore#createGroup})
 * @param messageId a fresh unique id (from IdGen)
 * @param sender the sending mid, 0 for a system message
 * @param clientMsgId the sender's idempotency key (≠ 0); for a system message pass the message id
 * @param contentType opaque to the store
 * @param content the bytes (not copied)
 * @param sentMs when the server accepted it (Unix ms); also becomes the conversation's updated time
 */
@SuppressWarnings("ArrayRecordComponent") // content is handed through, never compared or hashed
public record NewMessage(
    ConvKey conv,
    long messageId,
    long sender,
    long clientMsgId,
    int contentType,
    byte[] content,
    long sentMs) {

  public NewMessage {
    Objects.requireNonNull(conv, "conv");
    Objects.requireNonNull(content, "content");
    if (sender < 0) {
      throw new IllegalArgumentException("sender: " + sender + " (expected: >= 0)");
    }
  }
}
