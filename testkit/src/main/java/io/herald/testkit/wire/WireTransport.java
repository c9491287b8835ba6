package io.herald.testkit.wire;

import io.netty.buffer.ByteBuf;

/** How a {@link WireClient}'s bytes travel: a TCP socket or a WebSocket. */
interface WireTransport {
  /** What a transport reports to its client. */
  interface Sink {
    /** Whole frames (a TCP frame, or a WebSocket binary message), released by the transport. */
    void received(ByteBuf frames);

    /** The connection closed, or failed. */
    void closed();
  }

  void send(byte[] bytes);

  /** Sends a WebSocket text message (a protocol error: frames travel in binary messages). */
  void sendText(String text);

  void close();
}
