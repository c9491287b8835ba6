package io.herald.wire;

/** An op-9 batch whose body is not a sequence of whole, non-batch frames. */
public final class MalformedBatchException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public MalformedBatchException(String message) {
    super(ProtocolError.MALFORMED_BATCH, message);
  }

  public MalformedBatchException(String message, ProtocolException cause) {
    super(ProtocolError.MALFORMED_BATCH, message + ": " + cause.getMessage(), cause);
  }
}
