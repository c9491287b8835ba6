package io.herald.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Parses and writes single whole frames. Big-endian layout:
 *
 * <pre>
 * packLen int32 | headerLen int16 | ver int16 | op int32 | seq int32 | [crc32c int32, v2] | body
 * </pre>
 *
 * {@code packLen} counts the whole packet, header included. The TCP decoder, the WebSocket codec
 * and the op-9 batch splitter all parse through here, so every transport refuses the same input
 * with the same exception.
 */
public final class FrameCodec {
  static final int PACKET_LENGTH_OFFSET = 0;
  static final int HEADER_LENGTH_OFFSET = 4;
  static final int VERSION_OFFSET = 6;
  static final int OP_OFFSET = 8;
  static final int SEQ_OFFSET = 12;
  static final int CHECKSUM_OFFSET = 16;

  /** The header bytes a version 2 checksum covers (all but the checksum itself). */
  static final int CHECKED_HEADER_LENGTH = 16;

  /** Bytes needed to read packLen and headerLen. */
  public static final int PREFIX_LENGTH = 6;

  private static final int MIN_PACKET_LENGTH = ProtocolVersion.V1.headerLength();

  private FrameCodec() {}

  /**
   * Refuses a packLen that no frame within {@code limits} can have, before its bytes arrive.
   *
   * @throws BadPacketLengthException if negative or shorter than the smallest header
   * @throws FrameTooLargeException if longer than a version 2 header plus the largest body
   */
  public static void checkPacketLength(int packetLength, FrameLimits limits) {
    if (packetLength < 0) {
      throw new BadPacketLengthException("packLen " + packetLength + " is negative");
    }
    if (packetLength < MIN_PACKET_LENGTH) {
      throw new BadPacketLengthException(
          "packLen " + packetLength + " is shorter than a header (" + MIN_PACKET_LENGTH + ")");
    }
    if (packetLength > limits.maxPacketLength()) {
      throw new FrameTooLargeException(
          "packLen "
              + packetLength
              + " exceeds the limit (body at most "
              + limits.maxBodyLength()
              + " bytes)");
    }
  }

  /**
   * Checks a frame's first 6 bytes: refuses a packet that no frame within {@code limits} can be,
   * before the rest of it arrives, and names the frame's version.
   *
   * @throws BadHeaderException if headerLen is neither 16 nor 20
   * @throws BadPacketLengthException if packLen is shorter than the header
   * @throws FrameTooLargeException if the body would exceed the limit
   */
  public static ProtocolVersion checkPrefix(
      int packetLength, int headerLength, FrameLimits limits) {
    checkPacketLength(packetLength, limits);
    ProtocolVersion version = ProtocolVersion.ofHeaderLength(headerLength);
    if (version == null) {
      throw new BadHeaderException("headerLen " + headerLength + " (expected: 16 or 20)");
    }
    if (packetLength < headerLength) {
      throw new BadPacketLengthException(
          "packLen " + packetLength + " is shorter than its headerLen " + headerLength);
    }
    int bodyLength = packetLength - headerLength;
    if (bodyLength > limits.maxBodyLength()) {
      throw new FrameTooLargeException(
          "body of "
              + bodyLength
              + " bytes exceeds the limit of "
              + limits.maxBodyLength()
              + " bytes");
    }
    return version;
  }

  /**
   * Reads one whole frame starting at {@code in}'s reader index and advances past it. The frame's
   * body is a retained slice of {@code in}; {@code in} keeps its own reference.
   *
   * @throws ProtocolException if the bytes are not one valid frame within {@code limits}
   */
  public static Frame decode(ByteBuf in, FrameLimits limits) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    if (readable < MIN_PACKET_LENGTH) {
      throw new BadPacketLengthException(
          "truncated frame: " + readable + " bytes, shorter than a header");
    }
    int packetLength = in.getInt(start + PACKET_LENGTH_OFFSET);
    int headerLength = in.getShort(start + HEADER_LENGTH_OFFSET);
    ProtocolVersion version = checkPrefix(packetLength, headerLength, limits);
    if (packetLength > readable) {
      throw new BadPacketLengthException(
          "packLen " + packetLength + " exceeds the " + readable + " bytes present");
    }
    int bodyLength = packetLength - headerLength;
    int bodyIndex = start + headerLength;
    if (version == ProtocolVersion.V2) {
      verifyVersion2(in, start, bodyIndex, bodyLength);
    }
    int op = in.getInt(start + OP_OFFSET);
    int seq = in.getInt(start + SEQ_OFFSET);
    ByteBuf body =
        bodyLength == 0 ? Unpooled.EMPTY_BUFFER : in.retainedSlice(bodyIndex, bodyLength);
    in.readerIndex(start + packetLength);
    return new Frame(version, op, seq, body);
  }

  private static void verifyVersion2(ByteBuf in, int start, int bodyIndex, int bodyLength) {
    int ver = in.getShort(start + VERSION_OFFSET);
    if (ver != ProtocolVersion.V2.wireValue()) {
      throw new BadHeaderException("ver " + ver + " with a 20-byte header (expected: 2)");
    }
    int sent = in.getInt(start + CHECKSUM_OFFSET);
    int computed = Crc32c.of(in, start, in, bodyIndex, bodyLength);
    if (sent != computed) {
      throw new ChecksumMismatchException(
          String.format("CRC32C mismatch: frame says %08x, bytes give %08x", sent, computed));
    }
  }

  /** The number of bytes {@link #encode(Frame, ByteBuf)} writes for {@code frame}. */
  public static int encodedLength(Frame frame) {
    return frame.version().headerLength() + frame.body().readableBytes();
  }

  /** Writes {@code frame} in its version to {@code out}; the frame is not released. */
  public static void encode(Frame frame, ByteBuf out) {
    ProtocolVersion version = frame.version();
    ByteBuf body = frame.body();
    int bodyLength = body.readableBytes();
    int start = out.writerIndex();
    out.writeInt(version.headerLength() + bodyLength)
        .writeShort(version.headerLength())
        .writeShort(version.wireValue())
        .writeInt(frame.op())
        .writeInt(frame.seq());
    if (version == ProtocolVersion.V2) {
      out.writeInt(Crc32c.of(out, start, body, body.readerIndex(), bodyLength));
    }
    out.writeBytes(body, body.readerIndex(), bodyLength);
  }

  /** {@code frame} encoded into a new buffer from {@code alloc}; the frame is not released. */
  public static ByteBuf encode(ByteBufAllocator alloc, Frame frame) {
    ByteBuf out = alloc.buffer(encodedLength(frame));
    encode(frame, out);
    return out;
  }
}
