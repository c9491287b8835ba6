package io.herald.im;

import java.sql.SQLException;

/**
 * The IM database cannot be used now (down, unreachable, pool exhausted, store stopped): the caller
 * answers UNAVAILABLE and the client retries (with the same client message id). Wraps the {@link
 * SQLException}; {@link #sqlState()} is its SQL state ("" if it had none).
 */
public final class ImUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String sqlState;

  public ImUnavailableException(String operation, SQLException cause) {
    super(
        "im database unavailable during "
            + operation
            + ": "
            + (cause.getSQLState() == null ? "" : "[" + cause.getSQLState() + "] ")
            + cause.getMessage(),
        cause);
    this.sqlState = cause.getSQLState() == null ? "" : cause.getSQLState();
  }

  /** The SQL state of the cause, e.g. {@code 08001}; "" if it had none. */
  public String sqlState() {
    return sqlState;
  }
}
