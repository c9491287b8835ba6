package io.herald.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Records one connection's received message bodies in {@link DeliveryStats}: each body is a {@link
 * Payload} (sequence and send time); a body too short to be one is ignored. One per connection: it
 * remembers the connection's last sequence number.
 */
final class PayloadRecorder {
  private final DeliveryStats stats;
  private long lastSeq = -1;

  PayloadRecorder(DeliveryStats stats) {
    this.stats = stats;
  }

  /** Records the body of {@code length} bytes at {@code index} of {@code buffer}. */
  void record(ByteBuf buffer, int index, int length) {
    if (length < Payload.HEADER) {
      return;
    }
    long seq = Payload.seq(buffer, index);
    stats.record(seq, lastSeq, Payload.nowMicros() - Payload.sentMicros(buffer, index));
    lastSeq = Math.max(lastSeq, seq);
  }
}
