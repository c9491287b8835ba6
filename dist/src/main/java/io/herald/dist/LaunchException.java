package io.herald.dist;

/** A role cannot start; the message says why and what to change. Printed without a stack trace. */
final class LaunchException extends RuntimeException {
  LaunchException(String message) {
    super(message);
  }
}
