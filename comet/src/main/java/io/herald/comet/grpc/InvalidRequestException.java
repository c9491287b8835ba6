package io.herald.comet.grpc;

/** A malformed request to the Comet service; answered with INVALID_ARGUMENT. Stackless. */
public final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
