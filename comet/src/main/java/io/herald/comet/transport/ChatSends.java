package io.herald.comet.transport;

import io.herald.proto.logic.v1.ReceiveRequest;
import java.util.ArrayDeque;

/**
 * The chat sends of one connection waiting behind the one at Logic (see {@code
 * ConnectionHandler.chatSend}): bounded, touched only on the connection's event loop, and created
 * only while a send is in flight, so an idle connection pays one null reference.
 */
final class ChatSends {
  /** Sends that may wait behind the one in flight. */
  static final int MAX_WAITING = 32;

  private final ArrayDeque<ReceiveRequest> waiting = new ArrayDeque<>(4);

  /** Queues {@code request}; false when {@link #MAX_WAITING} already wait. */
  boolean offer(ReceiveRequest request) {
    if (waiting.size() >= MAX_WAITING) {
      return false;
    }
    waiting.addLast(request);
    return true;
  }

  /** The next request, or null. */
  ReceiveRequest poll() {
    return waiting.pollFirst();
  }
}
