package io.herald.logic.queue;

/**
 * A {@link PushQueue} did not take a record: it is stopped, full, or its broker did not acknowledge
 * the record in time. The push service fails the push as unavailable with this reason; a retry may
 * succeed. Stackless: it is thrown on the push path for as long as the queue stays away.
 */
public final class QueueUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  public QueueUnavailableException(String message) {
    super(message, null, false, false);
  }
}
