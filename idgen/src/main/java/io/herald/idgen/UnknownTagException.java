package io.herald.idgen;

/** A request named a tag this server is not configured for (gRPC NOT_FOUND, HTTP 404). */
public final class UnknownTagException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownTagException(String message) {
    super(message, null, false, false);
  }
}
