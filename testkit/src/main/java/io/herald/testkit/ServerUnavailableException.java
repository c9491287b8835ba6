package io.herald.testkit;

/** A server a test asked for could not be started or reached, and the run is on CI. */
public final class ServerUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ServerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
