package io.herald.wire.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The body of op 19 SYNC (client to server): "what follows seq {@code afterSeq} of epoch {@code
 * epoch}, at most {@code limit}".
 *
 * <pre>
 * int64 epoch       the epoch afterSeq belongs to; 0 = none yet (a first sync, never a reset)
 * int64 after_seq   the last seq the client holds; 0 = from the oldest kept
 * int32 limit       at most this many messages; 0 = the server's default
 * </pre>
 *
 * <p>An empty body resumes from the device's cursor on the server (the highest seq it acked):
 * {@link #fromCursor()}.
 */
public record SyncBody(long epoch, long afterSeq, int limit, boolean fromCursor) {
  private static final int LENGTH = 20;

  public SyncBody {
    if (epoch < 0 || afterSeq < 0 || limit < 0) {
      throw new IllegalArgumentException(
          "epoch " + epoch + ", after_seq " + afterSeq + ", limit " + limit + " (expected: >= 0)");
    }
  }

  /** A sync after {@code afterSeq} of {@code epoch}. */
  public static SyncBody after(long epoch, long afterSeq, int limit) {
    return new SyncBody(epoch, afterSeq, limit, false);
  }

  /** A sync from the device's cursor kept by the server (an empty body). */
  public static SyncBody resumeFromCursor() {
    return new SyncBody(0, 0, 0, true);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    if (fromCursor) {
      return Unpooled.EMPTY_BUFFER;
    }
    return alloc.buffer(LENGTH).writeLong(epoch).writeLong(afterSeq).writeInt(limit);
  }

  /** Reads a whole SYNC body; {@code body}'s reader index is left as it was. */
  public static SyncBody decode(ByteBuf body) {
    int length = body.readableBytes();
    if (length == 0) {
      return resumeFromCursor();
    }
    if (length != LENGTH) {
      throw new MalformedBodyException(
          "SYNC body of " + length + " bytes (expected: 0, or 20: epoch, after_seq, limit)");
    }
    int at = body.readerIndex();
    long epoch = body.getLong(at);
    long afterSeq = body.getLong(at + 8);
    int limit = body.getInt(at + 16);
    if (epoch < 0 || afterSeq < 0 || limit < 0) {
      throw new MalformedBodyException(
          "SYNC epoch "
              + epoch
              + ", after_seq "
              + afterSeq
              + ", limit "
              + limit
              + " (expected: >= 0)");
    }
    return new SyncBody(epoch, afterSeq, limit, false);
  }
}
