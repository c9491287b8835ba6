package io.herald.logic.ids;

/**
 * No message id can be had now: the IdGen source's buffer is empty because IdGen did not answer (or
 * has not yet answered since start). Thrown by {@link MessageIds#next()} at once, never after a
 * wait; the push service turns it into a {@code PushUnavailableException}, so the push API answers
 * {@code -500} (HTTP) or {@code UNAVAILABLE} (gRPC) and nothing of the push is queued. Stackless:
 * it is thrown on the push path for as long as IdGen stays away.
 */
public final class MessageIdsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MessageIdsUnavailableException(String message) {
    super(message, null, false, false);
  }
}
