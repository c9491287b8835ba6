package io.herald.wire;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the frame protocol. The pipeline closes that connection only; {@link #error()} names
 * the reason for logs and metrics. Stackless: a flood of garbage costs no stack walks.
 */
public class ProtocolException extends DecoderException {
  private static final long serialVersionUID = 1L;

  private final ProtocolError error;

  protected ProtocolException(ProtocolError error, String message) {
    super(message);
    this.error = error;
  }

  protected ProtocolException(ProtocolError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  /** The bounded reason, for a metric tag. */
  public final ProtocolError error() {
    return error;
  }

  @Override
  public final synchronized Throwable fillInStackTrace() {
    return this;
  }
}
