package io.herald.wire.delivery;

/**
 * A delivery body (ACK, SYNC, SYNC_REPLY, MESSAGE, INBOX_NOTICE) that does not have its layout.
 * Unlike a framing error it does not end the connection: the receiver counts it and ignores the
 * frame.
 */
public final class MalformedBodyException extends IllegalArgumentException {
  public MalformedBodyException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
