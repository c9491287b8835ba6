package io.herald.client;

/**
 * What the client reports to the application. Every method has an empty default. Callbacks run one
 * at a time, in order, on the client's event loop unless the builder names a callback executor:
 * they must not block.
 */
public interface HeraldListener {

  /** A connection is authenticated (the first one, or one after a reconnect). */
  default void onConnected(ConnectionInfo info) {}

  /**
   * A pushed frame; each frame of an op-9 batch is one call, in order. Acked and stored pushes are
   * handed over once each (duplicates are dropped by message id, stored ones by inbox seq), stored
   * ones in inbox order, whether they came pushed or by SYNC.
   */
  default void onMessage(Message message) {}

  /**
   * The inbox could not continue from the device's position (a new epoch, or messages trimmed
   * before the device fetched them): the messages in between are lost to this device, and the
   * client continues with the oldest message still kept.
   */
  default void onInboxReset(InboxReset reset) {}

  /** A heartbeat reply: the online count of the connection's room. */
  default void onHeartbeat(int onlineCount) {}

  /**
   * The connection is gone. {@code reason} is the server's (op 6, or the RECONNECT's reason) when
   * it gave one, else a description of the failure; {@code reconnecting} tells whether the client
   * will look for another node.
   */
  default void onDisconnected(String reason, boolean reconnecting) {}
}
