package io.herald.wire;

/** A version 2 frame whose CRC32C does not match its first 16 header bytes and its body. */
public final class ChecksumMismatchException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public ChecksumMismatchException(String message) {
    super(ProtocolError.BAD_CHECKSUM, message);
  }
}
