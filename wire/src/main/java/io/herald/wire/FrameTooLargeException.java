package io.herald.wire;

/** A frame's body is larger than the configured {@link FrameLimits}. */
public final class FrameTooLargeException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public FrameTooLargeException(String message) {
    super(ProtocolError.FRAME_TOO_LARGE, message);
  }
}
