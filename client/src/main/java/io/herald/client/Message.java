package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A frame the client received: a push (one per frame of an op-9 batch) or the reply to a request. A
 * push the server tracks (acked or stored) arrives as an op-26 MESSAGE frame; the client unwraps
 * it, so the message has the business op and body the backend pushed, plus its {@link #messageId()}
 * and, when stored, its place in the user's inbox ({@link #inboxEpoch()}, {@link #inboxSeq()}). The
 * body is copied onto the heap, so a message needs no releasing and may be kept.
 */
public final class Message {
  private final ProtocolVersion version;
  private final int op;
  private final int seq;
  private final byte[] body;
  private final long messageId;
  private final long inboxEpoch;
  private final long inboxSeq;

  public Message(ProtocolVersion version, int op, int seq, byte[] body) {
    this(version, op, seq, body, 0, 0, 0);
  }

  /**
   * A message with a delivery id and inbox position.
   *
   * @param messageId the message's id (0: none)
   * @param inboxEpoch the inbox epoch of {@code inboxSeq} (0: not stored)
   * @param inboxSeq the message's seq in the user's inbox (0: not stored)
   */
  public Message(
      ProtocolVersion version,
      int op,
      int seq,
      byte[] body,
      long messageId,
      long inboxEpoch,
      long inboxSeq) {
    this.version = version;
    this.op = op;
    this.seq = seq;
    this.body = body.clone();
    this.messageId = messageId;
    this.inboxEpoch = inboxEpoch;
    this.inboxSeq = inboxSeq;
  }

  /** A copy of {@code frame}; the frame is not released. */
  static Message of(Frame frame) {
    return new Message(
        frame.version(), frame.op(), frame.seq(), ByteBufUtil.getBytes(frame.body()));
  }

  /**
   * The message an op-26 {@code frame} with head {@code head} carries; the frame is not released.
   */
  static Message unwrap(Frame frame, MessageEnvelope head) {
    return new Message(
        frame.version(),
        head.op(),
        frame.seq(),
        ByteBufUtil.getBytes(MessageEnvelope.payload(frame.body())),
        head.messageId(),
        head.epoch(),
        head.seq());
  }

  public ProtocolVersion version() {
    return version;
  }

  public int op() {
    return op;
  }

  public int seq() {
    return seq;
  }

  /** The id the backend's push was given; 0 for a plain (best effort) push or a reply. */
  public long messageId() {
    return messageId;
  }

  /** The epoch of {@link #inboxSeq()}; 0 when the message is not stored. */
  public long inboxEpoch() {
    return inboxEpoch;
  }

  /**
   * The message's seq in the user's inbox (1, 2, ... per epoch); 0 when the message is not stored.
   * The client hands stored messages to the listener once each, in this order.
   */
  public long inboxSeq() {
    return inboxSeq;
  }

  /** Whether the message sits in the user's inbox. */
  public boolean stored() {
    return inboxSeq > 0;
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message other
        && version == other.version
        && op == other.op
        && seq == other.seq
        && messageId == other.messageId
        && inboxEpoch == other.inboxEpoch
        && inboxSeq == other.inboxSeq
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    int h = 31 * (31 * (31 * version.hashCode() + op) + seq) + Arrays.hashCode(body);
    return 31 * (31 * (31 * h + Long.hashCode(messageId)) + Long.hashCode(inboxEpoch))
        + Long.hashCode(inboxSeq);
  }

  @Override
  public String toString() {
    return "Message("
        + version
        + ", op="
        + Op.name(op)
        + ", seq="
        + seq
        + (messageId != 0 ? ", id=" + messageId : "")
        + (inboxSeq > 0 ? ", inbox=" + inboxEpoch + "/" + inboxSeq : "")
        + ", "
        + body.length
        + "B)";
  }
}
