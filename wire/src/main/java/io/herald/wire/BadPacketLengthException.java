package io.herald.wire;

/** A frame's packLen is negative, shorter than its header, or disagrees with the bytes present. */
public final class BadPacketLengthException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public BadPacketLengthException(String message) {
    super(ProtocolError.BAD_PACKET_LENGTH, message);
  }
}
