package io.herald.testkit;

/**
 * A server a test asked for could not be started or reached, and the run is on CI (or the setup
 * asked for what cannot be had, e.g. containers without an engine).
 */
public final class ServerUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ServerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
