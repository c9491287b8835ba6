package io.herald.wire;

/** A frame's headerLen is neither 16 nor 20, or its ver field disagrees with its header length. */
public final class BadHeaderException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public BadHeaderException(String message) {
    super(ProtocolError.BAD_HEADER, message);
  }
}
