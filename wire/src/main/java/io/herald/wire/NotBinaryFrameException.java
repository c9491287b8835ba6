package io.herald.wire;

/** A WebSocket message that is not a single binary frame. */
public final class NotBinaryFrameException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public NotBinaryFrameException(String message) {
    super(ProtocolError.NOT_BINARY, message);
  }
}
