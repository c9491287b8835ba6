package io.herald.client;

import io.herald.wire.FrameLimits;
import io.herald.wire.codec.FrameDecoder;
import io.herald.wire.codec.RawBatchSplitter;
import io.herald.wire.codec.TcpFrameEncoder;
import io.herald.wire.codec.WebSocketFrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.URI;

/**
 * A client connection's pipeline. TCP: packets cut by packLen and parsed, frames encoded.
 * WebSocket: HTTP upgrade to {@code ws://host:port/sub}, then one frame per binary message. Both
 * end in the same tail: op-9 batches split into their frames, then the {@link ServerConnection}.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {
  private static final int MAX_HTTP_RESPONSE = 8192;

  private final URI webSocketUri;
  private final FrameLimits limits;
  private final long handshakeTimeoutMillis;
  private final ServerConnection handler;

  /**
   * @param webSocketUri the WebSocket endpoint, or {@code null} for TCP
   */
  ClientChannelInitializer(
      URI webSocketUri, FrameLimits limits, long handshakeTimeoutMillis, ServerConnection handler) {
    this.webSocketUri = webSocketUri;
    this.limits = limits;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.handler = handler;
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (webSocketUri == null) {
      p.addLast("frameDecoder", new FrameDecoder(limits));
      p.addLast("frameEncoder", TcpFrameEncoder.INSTANCE);
    } else {
      p.addLast("http", new HttpClientCodec());
      p.addLast("httpAggregator", new HttpObjectAggregator(MAX_HTTP_RESPONSE));
      p.addLast(
          "webSocket",
          new WebSocketClientProtocolHandler(
              WebSocketClientProtocolConfig.newBuilder()
                  .webSocketUri(webSocketUri)
                  .maxFramePayloadLength(limits.maxPacketLength())
                  .handshakeTimeoutMillis(handshakeTimeoutMillis)
                  .build()));
      p.addLast("webSocketAggregator", new WebSocketFrameAggregator(limits.maxPacketLength()));
      p.addLast("frameCodec", new WebSocketFrameCodec(limits));
    }
    p.addLast("batchSplitter", new RawBatchSplitter(limits));
    p.addLast("client", handler);
  }
}
