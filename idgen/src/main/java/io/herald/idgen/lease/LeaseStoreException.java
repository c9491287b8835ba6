package io.herald.idgen.lease;

/** The lease store could not be reached or answered in an unexpected way. */
public final class LeaseStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LeaseStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
