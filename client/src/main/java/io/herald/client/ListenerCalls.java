package io.herald.client;

import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the application's {@link HeraldListener} on the callback executor (the event loop unless
 * the builder was given one). A listener that throws is logged and changes nothing for the client.
 *
 * @param executor where the calls run: the event loop, or the builder's callback executor
 */
record ListenerCalls(HeraldListener listener, Executor executor) implements Delivery.HandOver {
  private static final Logger log = LoggerFactory.getLogger(ListenerCalls.class);

  void connected(ConnectionInfo connection) {
    call(() -> listener.onConnected(connection));
  }

  @Override
  public void message(Message message) {
    call(() -> listener.onMessage(message));
  }

  @Override
  public void inboxReset(InboxReset reset) {
    call(() -> listener.onInboxReset(reset));
  }

  void heartbeat(int onlineCount) {
    call(() -> listener.onHeartbeat(onlineCount));
  }

  void disconnected(String reason, boolean reconnecting) {
    call(() -> listener.onDisconnected(reason, reconnecting));
  }

  private void call(Runnable call) {
    executor.execute(
        () -> {
          try {
            call.run();
          } catch (RuntimeException e) {
            log.warn("Listener failed", e);
          }
        });
  }
}
