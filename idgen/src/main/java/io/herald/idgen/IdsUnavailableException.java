package io.herald.idgen;

/**
 * No id can be issued now: the worker lease is not (or no longer) held, or the segment database is
 * unreachable and the buffered segments are spent (gRPC UNAVAILABLE, HTTP 503). Stackless.
 */
public final class IdsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdsUnavailableException(String message) {
    super(message, null, false, false);
  }

  public IdsUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
