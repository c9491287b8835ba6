package io.herald.logic.push;

/**
 * A push or online request the API refuses, with a message naming the parameter, e.g. {@code body:
 * 5000 bytes (expected: at most 4096)}. The caller gets {@code -400} (HTTP) or {@code
 * INVALID_ARGUMENT} (gRPC); nothing was queued.
 */
public final class InvalidPushException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidPushException(String message) {
    super(message);
  }

  /** {@code name: value (expected: expectation)}. */
  public static InvalidPushException of(String name, Object value, String expectation) {
    return new InvalidPushException(name + ": " + value + " (expected: " + expectation + ")");
  }

  /** Stackless: a bad request is the caller's mistake, not ours. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
