package io.herald.wire;

/**
 * The two frame formats a client may speak. The format of each frame is recognised by its header
 * length; a server answers every client in the version that client spoke.
 */
public enum ProtocolVersion {
  /** goim's format, byte for byte: a 16-byte header and no checksum. */
  V1(1, 16),
  /**
   * Herald's format: a 20-byte header whose last 4 bytes hold CRC32C of the first 16 and the body.
   */
  V2(2, 20);

  private final int wireValue;
  private final int headerLength;

  ProtocolVersion(int wireValue, int headerLength) {
    this.wireValue = wireValue;
    this.headerLength = headerLength;
  }

  /** The value of the header's {@code ver} field for frames Herald writes in this version. */
  public int wireValue() {
    return wireValue;
  }

  /** The header's length in bytes; the header's {@code headerLen} field holds this value. */
  public int headerLength() {
    return headerLength;
  }

  /** The version whose header is {@code headerLength} bytes long, or {@code null} if none is. */
  public static ProtocolVersion ofHeaderLength(int headerLength) {
    if (headerLength == V1.headerLength) {
      return V1;
    }
    if (headerLength == V2.headerLength) {
      return V2;
    }
    return null;
  }
}
