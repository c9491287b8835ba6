package io.herald.wire.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * The body of op 18 ACK (client to server): an inbox position and message ids.
 *
 * <pre>
 * int64 epoch       the inbox epoch of seq; 0 with seq 0
 * int64 seq         the highest inbox seq the device holds without a gap; 0 = no inbox position
 * int64 × n         message ids of acked deliveries (op 26 frames with the ack flag); n may be 0
 * </pre>
 *
 * <p>A body of 16 + 8n bytes, n at most {@link #MAX_IDS}.
 */
public record AckBody(long epoch, long seq, long[] messageIds) {
  /** At most this many ids in one ACK. */
  public static final int MAX_IDS = 256;

  private static final int FIXED = 16;

  public AckBody {
    if (epoch < 0 || seq < 0) {
      throw new IllegalArgumentException("epoch " + epoch + ", seq " + seq + " (expected: >= 0)");
    }
    if (messageIds.length > MAX_IDS) {
      throw new IllegalArgumentException(
          messageIds.length + " message ids (expected: at most " + MAX_IDS + ")");
    }
  }

  /** Acks ids only. */
  public static AckBody ofIds(long... messageIds) {
    return new AckBody(0, 0, messageIds);
  }

  /** Acks an inbox position only. */
  public static AckBody ofSeq(long epoch, long seq) {
    return new AckBody(epoch, seq, new long[0]);
  }

  /** Whether the body moves an inbox cursor. */
  public boolean hasSeq() {
    return seq > 0;
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(FIXED + 8 * messageIds.length);
    out.writeLong(epoch).writeLong(seq);
    for (long id : messageIds) {
      out.writeLong(id);
    }
    return out;
  }

  /** Reads a whole ACK body; {@code body}'s reader index is left as it was. */
  public static AckBody decode(ByteBuf body) {
    ByteBuf in = body.duplicate();
    int length = in.readableBytes();
    if (length < FIXED || (length - FIXED) % 8 != 0) {
      throw new MalformedBodyException("ACK body of " + length + " bytes (expected: 16 + 8 × ids)");
    }
    int count = (length - FIXED) / 8;
    if (count > MAX_IDS) {
      throw new MalformedBodyException(
          "ACK with " + count + " ids (expected: at most " + MAX_IDS + ")");
    }
    long epoch = in.readLong();
    long seq = in.readLong();
    if (epoch < 0 || seq < 0) {
      throw new MalformedBodyException("ACK epoch " + epoch + ", seq " + seq + " (expected: >= 0)");
    }
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      ids[i] = in.readLong();
    }
    return new AckBody(epoch, seq, ids);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AckBody other
        && epoch == other.epoch
        && seq == other.seq
        && Arrays.equals(messageIds, other.messageIds);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(epoch) + Long.hashCode(seq)) + Arrays.hashCode(messageIds);
  }

  @Override
  public String toString() {
    return "AckBody[epoch=" + epoch + ", seq=" + seq + ", ids=" + Arrays.toString(messageIds) + "]";
  }
}
