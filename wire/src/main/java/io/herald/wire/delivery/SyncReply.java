package io.herald.wire.delivery;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * The head of op 20 SYNC_REPLY (server to client), followed by the messages as op-26 MESSAGE frames
 * in op-9 batch layout (whole frames one after another).
 *
 * <pre>
 * int64 epoch       the inbox's current epoch
 * int64 oldest_seq  the oldest seq still kept (0 when the inbox is empty)
 * int64 latest_seq  the newest seq (0 when empty)
 * int8  flags       bit 0: more (messages follow the last one sent: SYNC again after it)
 *                   bit 1: reset (the request's epoch or seq no longer fits: no messages; the
 *                          client gives up the gap and syncs after oldest_seq - 1 of this epoch)
 * ...   frames      op-26 frames in the connection's version, ascending seq
 * </pre>
 *
 * <p>The frame's seq is the SYNC's seq. An op-20 frame with an EMPTY body (no head) means the
 * server could not read the inbox now (Logic unreachable or failing): nothing changed, the client
 * keeps its position and SYNCs again later (with its reconnect backoff). {@link #decode} refuses
 * such a body: check {@code body.isReadable()} first.
 */
public record SyncReply(long epoch, long oldestSeq, long latestSeq, boolean more, boolean reset) {
  /** Bytes before the frames. */
  public static final int HEAD_LENGTH = 25;

  private static final int MORE = 1;
  private static final int RESET = 2;

  /** The whole body: head and {@code messages} (op-26 frames, not released). */
  public ByteBuf encode(ByteBufAllocator alloc, List<Frame> messages) {
    int length = HEAD_LENGTH;
    for (Frame frame : messages) {
      length += FrameCodec.encodedLength(frame);
    }
    ByteBuf out = alloc.buffer(length);
    out.writeLong(epoch).writeLong(oldestSeq).writeLong(latestSeq);
    out.writeByte((more ? MORE : 0) | (reset ? RESET : 0));
    for (Frame frame : messages) {
      FrameCodec.encode(frame, out);
    }
    return out;
  }

  /** Reads the head; {@code body}'s reader index is left as it was. */
  public static SyncReply decode(ByteBuf body) {
    Bodies.requireReadable(body, HEAD_LENGTH, "SYNC_REPLY head");
    int at = body.readerIndex();
    int flags = body.getByte(at + 24);
    return new SyncReply(
        body.getLong(at),
        body.getLong(at + 8),
        body.getLong(at + 16),
        (flags & MORE) != 0,
        (flags & RESET) != 0);
  }

  /**
   * The op-26 frames after the head, each a retained slice of {@code body} (release them).
   *
   * @throws io.herald.wire.MalformedBatchException if they are not whole frames within limits
   */
  public static List<Frame> messages(ByteBuf body, FrameLimits limits) {
    Bodies.requireReadable(body, HEAD_LENGTH, "SYNC_REPLY head");
    return RawBatch.split(
        body.slice(body.readerIndex() + HEAD_LENGTH, body.readableBytes() - HEAD_LENGTH), limits);
  }
}
