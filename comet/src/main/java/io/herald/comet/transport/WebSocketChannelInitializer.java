package io.herald.comet.transport;

import io.herald.comet.session.TransportKind;
import io.herald.wire.FrameLimits;
import io.herald.wire.codec.WebSocketFrameCodec;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of a client connection over WebSocket (goim's port 3102, path {@code /sub}) or WSS
 * (3103):
 *
 * <pre>
 * [proxy] → limiter → [tls] → HttpServerCodec → HttpObjectAggregator → path guard (404 elsewhere)
 *   → WebSocket handshake/protocol → WebSocketFrameAggregator → WebSocketFrameCodec
 *   → auth / connection
 * </pre>
 *
 * Each binary message carries one frame (or an op-9 batch); text messages are protocol errors.
 * Messages are limited to the largest frame a client may send; fragments are aggregated first.
 * Ping, pong and close are WebSocket's own. One per listener; shared by its channels.
 */
public final class WebSocketChannelInitializer extends ClientChannelInitializer {
  /** The upgrade request carries no body; its headers are bounded by the HTTP codec. */
  private static final int MAX_HTTP_CONTENT = 8192;

  private final WebSocketServerProtocolConfig protocol;
  private final WebSocketPathGuard guard;

  /**
   * @param sslOrNull the server's TLS context for a WSS listener; {@code null} for plain WebSocket
   */
  public WebSocketChannelInitializer(TransportContext context, SslContext sslOrNull) {
    super(context, sslOrNull == null ? TransportKind.WS : TransportKind.WSS, sslOrNull);
    String path = context.config().listen().wsPath();
    FrameLimits limits = limits();
    this.protocol =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(path)
            .checkStartsWith(true) // the guard allows only this path, with or without a query
            .handleCloseFrames(true)
            .dropPongFrames(true)
            .handshakeTimeoutMillis(context.config().protocol().handshakeTimeout().toMillis())
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(limits.maxPacketLength())
                    .allowExtensions(false)
                    .build())
            .build();
    this.guard = new WebSocketPathGuard(path);
  }

  @Override
  void addCodec(ChannelPipeline pipeline) {
    int maxMessage = limits().maxPacketLength();
    pipeline
        .addLast("http", new HttpServerCodec())
        .addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_CONTENT))
        .addLast("path-guard", guard)
        .addLast("websocket", new WebSocketServerProtocolHandler(protocol))
        .addLast("websocket-aggregator", new WebSocketFrameAggregator(maxMessage))
        .addLast("websocket-codec", new WebSocketFrameCodec(limits()));
  }
}
