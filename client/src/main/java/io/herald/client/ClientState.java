package io.herald.client;

/** Where a client stands. */
public enum ClientState {
  /** Built, not started. */
  NEW,
  /** Walking the node list. */
  CONNECTING,
  /** Authenticated on a Comet. */
  CONNECTED,
  /** Between rounds of the node list, waiting out the backoff. */
  WAITING,
  /** Kicked by the server (replaced or duplicate login): it does not reconnect on its own. */
  DISCONNECTED,
  /** Closed by the application. */
  CLOSED
}
