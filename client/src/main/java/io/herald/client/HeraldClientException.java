package io.herald.client;

/** Why a client operation failed: not connected, connection lost, timed out, closed. */
public class HeraldClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HeraldClientException(String message) {
    super(message, null, false, false);
  }

  public HeraldClientException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** The client has no authenticated connection at the moment. */
  public static final class NotConnected extends HeraldClientException {
    private static final long serialVersionUID = 1L;

    public NotConnected(String message) {
      super(message);
    }
  }

  /** The connection a request was sent on closed before its reply came. */
  public static final class ConnectionLost extends HeraldClientException {
    private static final long serialVersionUID = 1L;

    public ConnectionLost(String message) {
      super(message);
    }
  }
}
