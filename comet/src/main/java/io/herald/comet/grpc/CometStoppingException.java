package io.herald.comet.grpc;

/** The Comet is stopping and takes no more work; answered with UNAVAILABLE. Stackless. */
public final class CometStoppingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CometStoppingException(String message) {
    super(message, null, false, false);
  }
}
