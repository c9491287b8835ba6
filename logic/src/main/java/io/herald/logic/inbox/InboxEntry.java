package io.herald.logic.inbox;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * A message to append to an inbox; the inbox gives it its seq.
 *
 * @param messageId the push's message id (clients de-duplicate by it)
 * @param op the operation code it was pushed with
 * @param body the message body
 * @param acceptUnixMs when Logic accepted the push; age trimming counts from it
 */
public record InboxEntry(long messageId, int op, ByteString body, long acceptUnixMs) {
  public InboxEntry {
    Objects.requireNonNull(body, "body");
  }
}
