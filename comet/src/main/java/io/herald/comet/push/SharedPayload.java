package io.herald.comet.push;

import io.herald.comet.session.Connection;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.codec.WebSocketFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Frames encoded once per protocol version and shared by every recipient: each recipient gets a
 * {@linkplain ByteBuf#retainedDuplicate() retained duplicate} of the same memory, never a copy. One
 * frame is written as itself; several as one op-9 batch, which is its body alone on TCP (the
 * transport's encoder passes buffers through, so the inner frames arrive as ordinary frames) and
 * the whole op-9 frame on WebSocket (one binary message). Both are written as {@link ByteBuf}s,
 * which both transports pass through untouched: on WebSocket the message's header is part of the
 * shared buffer, made once per version for every WebSocket recipient.
 *
 * <p>Encodings are made lazily, for the versions and framings the recipients need. Used by one
 * thread at a time (a fan-out, or a paced broadcast's successive chunks); {@link #release()} once
 * when done — the recipients' duplicates keep the memory alive until they are written.
 */
final class SharedPayload {
  private final ByteBufAllocator alloc;
  private final List<PushFrame> frames;

  /** Per version: the frame, or the batch body (what TCP gets). */
  private final Map<ProtocolVersion, ByteBuf> encoded = new EnumMap<>(ProtocolVersion.class);

  /** Per version: the whole op-9 frame of a batch (what WebSocket gets). */
  private final Map<ProtocolVersion, ByteBuf> batches = new EnumMap<>(ProtocolVersion.class);

  /**
   * @throws IllegalArgumentException if {@code frames} is empty or holds an op-9 frame
   */
  SharedPayload(ByteBufAllocator alloc, List<PushFrame> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("frames: none (expected: at least one)");
    }
    for (PushFrame frame : frames) {
      if (frame.op() == Op.RAW) {
        throw new IllegalArgumentException("frames: an op-9 frame (batches are made here)");
      }
    }
    this.alloc = alloc;
    this.frames = List.copyOf(frames);
  }

  int frameCount() {
    return frames.size();
  }

  /** Per version: the WebSocket message (header, then the frame or op-9 frame). */
  private final Map<ProtocolVersion, ByteBuf> webSocket = new EnumMap<>(ProtocolVersion.class);

  /** This payload as {@code connection} reads it: a retained duplicate the caller writes. */
  ByteBuf retainedFor(Connection connection) {
    ProtocolVersion version = connection.version();
    return (connection.transport().webSocket() ? webSocket(version) : encoded(version))
        .retainedDuplicate();
  }

  /**
   * The whole WebSocket message, framed here once for every WebSocket member (the transport's
   * WebSocket codec passes buffers through as messages already framed).
   */
  private ByteBuf webSocket(ProtocolVersion version) {
    ByteBuf buf = webSocket.get(version);
    if (buf == null) {
      ByteBuf inner = frames.size() > 1 ? batch(version) : encoded(version);
      int length = inner.readableBytes();
      buf = alloc.ioBuffer(WebSocketFraming.headerLength(length) + length);
      WebSocketFraming.writeHeader(buf, WebSocketFraming.FIN_BINARY, length);
      buf.writeBytes(inner, inner.readerIndex(), length);
      webSocket.put(version, buf);
    }
    return buf;
  }

  private ByteBuf encoded(ProtocolVersion version) {
    ByteBuf buf = encoded.get(version);
    if (buf == null) {
      buf = encode(version);
      encoded.put(version, buf);
    }
    return buf;
  }

  private ByteBuf encode(ProtocolVersion version) {
    int length = 0;
    for (PushFrame frame : frames) {
      length += version.headerLength() + frame.body().size();
    }
    ByteBuf out = alloc.ioBuffer(length);
    try {
      for (PushFrame frame : frames) {
        ByteBuf body = Unpooled.wrappedBuffer(frame.body().asReadOnlyByteBuffer());
        FrameCodec.encode(new Frame(version, frame.op(), frame.seq(), body), out);
      }
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private ByteBuf batch(ProtocolVersion version) {
    ByteBuf buf = batches.get(version);
    if (buf == null) {
      Frame batch = new Frame(version, Op.RAW, 0, encoded(version).duplicate());
      buf = FrameCodec.encode(alloc, batch);
      batches.put(version, buf);
    }
    return buf;
  }

  /** Gives up this payload's own references; recipients' duplicates stay valid. */
  void release() {
    encoded.values().forEach(ByteBuf::release);
    encoded.clear();
    batches.values().forEach(ByteBuf::release);
    batches.clear();
    webSocket.values().forEach(ByteBuf::release);
    webSocket.clear();
  }
}
