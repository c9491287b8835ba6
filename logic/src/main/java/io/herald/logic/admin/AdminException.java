package io.herald.logic.admin;

import com.linecorp.armeria.common.HttpStatus;

/**
 * A console request refused or failed, with the HTTP status it answers and a message naming what
 * was wrong, e.g. {@code grace_seconds: 0 (expected: 1-600)}.
 */
final class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpStatus status;

  AdminException(HttpStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** 400: {@code name: value (expected: expectation)}. */
  static AdminException badRequest(String name, Object value, String expectation) {
    return new AdminException(
        HttpStatus.BAD_REQUEST, name + ": " + value + " (expected: " + expectation + ")");
  }

  HttpStatus status() {
    return status;
  }
}
