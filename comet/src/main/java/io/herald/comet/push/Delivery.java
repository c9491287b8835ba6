package io.herald.comet.push;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One unicast message as {@code PushMsg} carries it, with its delivery class (docs/delivery.md).
 *
 * @param messageId the message's id; 0 = none (then never acked)
 * @param op the business op
 * @param body the application's bytes, passed through without a copy
 * @param epoch the inbox epoch of {@code seq}; 0 when not stored
 * @param seq the message's seq in the recipient's inbox; 0 when not stored
 * @param requireAck whether the client acks it by id (op 18) and the Comet resends until it does
 * @param notice stored with notify: version 2 connections get an inbox notice instead of the body
 */
public record Delivery(
    long messageId,
    int op,
    ByteString body,
    long epoch,
    long seq,
    boolean requireAck,
    boolean notice) {
  public Delivery {
    Objects.requireNonNull(body, "body");
    if (requireAck && messageId == 0) {
      throw new IllegalArgumentException("require_ack with message id 0 (expected: an id)");
    }
  }

  /** A best-effort message: a plain frame to every version. */
  public static Delivery bestEffort(int op, ByteString body) {
    return new Delivery(0, op, body, 0, 0, false, false);
  }

  /** Whether the message sits in the recipient's inbox. */
  public boolean stored() {
    return seq > 0;
  }

  /** Whether version 2 connections get it as op 26 / op 27 rather than a plain frame. */
  boolean tracked() {
    return requireAck || stored();
  }
}
