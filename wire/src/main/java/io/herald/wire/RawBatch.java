package io.herald.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Op-9 batches: a body that is several whole frames concatenated. The server merges room messages
 * into one such body and writes it with one syscall; clients split it back into frames.
 *
 * <p>On TCP the batch body is written as it is, so the inner frames arrive as ordinary frames (what
 * goim's TCP clients expect); on WebSocket it travels inside one op-9 frame.
 */
public final class RawBatch {
  private RawBatch() {}

  /** The inner frames written one after another in their own versions; frames are not released. */
  public static ByteBuf encodeBody(ByteBufAllocator alloc, List<Frame> frames) {
    int length = 0;
    for (Frame frame : frames) {
      if (frame.op() == Op.RAW) {
        throw new IllegalArgumentException("an op-9 batch cannot contain another batch");
      }
      length += FrameCodec.encodedLength(frame);
    }
    ByteBuf body = alloc.buffer(length);
    for (Frame frame : frames) {
      FrameCodec.encode(frame, body);
    }
    return body;
  }

  /** An op-9 frame in {@code version} whose body holds {@code frames}; frames are not released. */
  public static Frame frame(ByteBufAllocator alloc, ProtocolVersion version, List<Frame> frames) {
    return new Frame(version, Op.RAW, 0, encodeBody(alloc, frames));
  }

  /**
   * The frames inside an op-9 body, each holding a retained slice of it. {@code body}'s indexes and
   * reference count are left as they were.
   *
   * @throws MalformedBatchException if the body is not whole frames within {@code limits}, or holds
   *     a nested batch; no frame is leaked when it throws
   */
  public static List<Frame> split(ByteBuf body, FrameLimits limits) {
    ByteBuf in = body.duplicate();
    List<Frame> frames = new ArrayList<>();
    try {
      while (in.isReadable()) {
        Frame frame = FrameCodec.decode(in, limits);
        frames.add(frame);
        if (frame.op() == Op.RAW) {
          throw new MalformedBatchException("an op-9 batch holds a nested op-9 batch");
        }
      }
      return frames;
    } catch (ProtocolException e) {
      frames.forEach(Frame::release);
      throw e instanceof MalformedBatchException
          ? e
          : new MalformedBatchException("frame " + (frames.size() + 1) + " of the batch", e);
    }
  }
}
