package io.herald.logic.overload;

/**
 * A request refused because a bound on work in flight was reached; nothing of it was done, and it
 * may be retried after {@link #retryAfterMillis()}. Stackless: it is thrown at the rate of an
 * overload.
 */
public final class OverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long retryAfterMillis;

  public OverloadedException(String message, long retryAfterMillis) {
    super(message, null, false, false);
    this.retryAfterMillis = retryAfterMillis;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
