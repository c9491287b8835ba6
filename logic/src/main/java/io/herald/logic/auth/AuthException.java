package io.herald.logic.auth;

/** An AUTH that was refused, or could not be decided; the message is safe to show the client. */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why; maps onto {@code herald.logic.v1.RejectReason} and the auth metric's tag. */
  public enum Reason {
    /** The AUTH body is not valid JSON of the expected shape. */
    MALFORMED,
    /** No token, a bad signature, expired, wrong audience, unknown to the webhook, ... */
    UNAUTHENTICATED,
    /** Authenticated, but not allowed (the webhook said no). */
    FORBIDDEN,
    /** The authenticator could not decide (webhook unreachable); the client may retry. */
    UNAVAILABLE
  }

  private final Reason reason;

  public AuthException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public AuthException(Reason reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
