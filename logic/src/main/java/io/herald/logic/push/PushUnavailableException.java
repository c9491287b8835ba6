package io.herald.logic.push;

/**
 * A push could not be queued, or its targets could not be resolved, or it could not get a message
 * id: the queue, the session store or IdGen is unreachable or refused it. The caller gets {@code
 * -500} (HTTP) or {@code UNAVAILABLE} (gRPC) and may retry; records of the push that did get
 * through are delivered again then, and clients drop the duplicates by message id.
 */
public final class PushUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PushUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  public PushUnavailableException(String message) {
    super(message, null, false, false);
  }
}
