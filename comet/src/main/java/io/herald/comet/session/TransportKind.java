package io.herald.comet.session;

/**
 * The transport a client connection arrived on, as its {@link Connection} records it: the metric
 * tag ({@code herald.comet.connections{transport}}), and whether frames travel as WebSocket
 * messages (where an op-9 batch is one whole op-9 frame, not its body alone).
 */
public enum TransportKind {
  TCP("tcp", false),
  TCP_TLS("tcp_tls", false),
  WS("ws", true),
  WSS("wss", true);

  private final String tag;
  private final boolean webSocket;

  TransportKind(String tag, boolean webSocket) {
    this.tag = tag;
    this.webSocket = webSocket;
  }

  /** The metric tag value: {@code tcp}, {@code tcp_tls}, {@code ws} or {@code wss}. */
  public String tag() {
    return tag;
  }

  /** Whether each frame (or op-9 batch) travels as one WebSocket message. */
  public boolean webSocket() {
    return webSocket;
  }
}
