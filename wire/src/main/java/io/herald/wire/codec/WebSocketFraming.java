package io.herald.wire.codec;

import io.netty.buffer.ByteBuf;

/**
 * The header of a WebSocket frame a server sends (RFC 6455 §5.2): final, unmasked, so 2, 4 or 10
 * bytes before the payload. The Comet writes each Herald frame (or op-9 batch) as one binary
 * message of one such frame; a room payload's header is written once per broadcast, not per member.
 */
public final class WebSocketFraming {
  /** FIN and opcode 2 (binary). */
  public static final int FIN_BINARY = 0x82;

  /** FIN and opcode 8 (close). */
  public static final int FIN_CLOSE = 0x88;

  /** FIN and opcode 10 (pong). */
  public static final int FIN_PONG = 0x8A;

  private WebSocketFraming() {}

  /** The length of the header of an unmasked frame carrying {@code payloadLength} bytes. */
  public static int headerLength(int payloadLength) {
    if (payloadLength < 126) {
      return 2;
    }
    return payloadLength <= 0xFFFF ? 4 : 10;
  }

  /**
   * Writes the header of a final, unmasked frame: {@code firstByte} (FIN and opcode) and the
   * payload length in its shortest form.
   */
  public static void writeHeader(ByteBuf out, int firstByte, int payloadLength) {
    out.writeByte(firstByte);
    if (payloadLength < 126) {
      out.writeByte(payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      out.writeByte(126).writeShort(payloadLength);
    } else {
      out.writeByte(127).writeLong(payloadLength);
    }
  }

  /**
   * The length of the header at the reader index of {@code message}, a frame written by {@link
   * #writeHeader}.
   */
  public static int headerLengthOf(ByteBuf message) {
    int length7 = message.getUnsignedByte(message.readerIndex() + 1) & 0x7F;
    if (length7 < 126) {
      return 2;
    }
    return length7 == 126 ? 4 : 10;
  }
}
