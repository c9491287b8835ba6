package io.herald.logic.inbox;

/**
 * The inbox store could not be reached or failed a call; the message starts with {@code inbox:}.
 * The caller answers -500 / UNAVAILABLE: safe to retry.
 */
public final class InboxUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InboxUnavailableException(String reason, Throwable cause) {
    super("inbox: " + reason, cause);
  }
}
