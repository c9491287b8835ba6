package io.herald.comet.transport;

import io.herald.proto.common.v1.Transport;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The transport a client connection arrived on: its metric tag ({@code herald.comet.connections
 * {transport}}) and the value Logic's {@code ConnectRequest} carries. The initializer attaches it
 * to each channel under {@link #KEY}.
 */
public enum TransportKind {
  TCP("tcp", Transport.TRANSPORT_TCP),
  TCP_TLS("tcp_tls", Transport.TRANSPORT_TCP_TLS),
  WS("ws", Transport.TRANSPORT_WEBSOCKET),
  WSS("wss", Transport.TRANSPORT_WEBSOCKET_TLS);

  public static final AttributeKey<TransportKind> KEY = AttributeKey.valueOf("herald.transport");

  private final String tag;
  private final Transport proto;

  TransportKind(String tag, Transport proto) {
    this.tag = tag;
    this.proto = proto;
  }

  /** The metric tag value: {@code tcp}, {@code tcp_tls}, {@code ws} or {@code wss}. */
  public String tag() {
    return tag;
  }

  /** The value for {@code ConnectRequest.transport}. */
  public Transport proto() {
    return proto;
  }

  /**
   * Marks {@code channel} as served over this transport. A client channel is marked through its
   * listener's channel, so the mark costs a connection nothing.
   */
  public void mark(Channel channel) {
    Channel holder = channel.parent() != null ? channel.parent() : channel;
    holder.attr(KEY).set(this);
  }

  /** The transport of {@code channel}, or {@code null} if no initializer marked it. */
  public static TransportKind of(Channel channel) {
    Channel holder = channel.parent() != null ? channel.parent() : channel;
    return holder.attr(KEY).get();
  }
}
