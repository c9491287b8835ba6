package io.herald.comet.transport;

import io.herald.comet.session.TransportKind;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * The pipeline of a client connection over WebSocket (goim's port 3102, path {@code /sub}) or WSS
 * (3103). Until the upgrade:
 *
 * <pre>
 * [proxy] → limiter → [tls] → HttpServerCodec → HttpObjectAggregator → upgrade → auth
 * </pre>
 *
 * and once the {@link WebSocketUpgrade} has answered {@code 101}, the HTTP handlers and the upgrade
 * handler are gone and one {@link WebSocketCodec} reads and writes WebSocket frames:
 *
 * <pre>
 * [tls] → websocket → auth / connection
 * </pre>
 *
 * so an authenticated plain WebSocket connection's pipeline is {@code websocket → connection}. Each
 * binary message carries one frame (or an op-9 batch); text messages are protocol errors. One per
 * listener; shared by its channels.
 */
public final class WebSocketChannelInitializer extends ClientChannelInitializer {
  /** The upgrade request carries no body; its headers are bounded by the HTTP codec. */
  private static final int MAX_HTTP_CONTENT = 8192;

  private static final String HTTP = "http";
  private static final String HTTP_AGGREGATOR = "http-aggregator";
  static final String UPGRADE = "upgrade";

  private final WebSocketUpgrade upgrade;

  /**
   * @param sslOrNull the server's TLS context for a WSS listener; {@code null} for plain WebSocket
   */
  public WebSocketChannelInitializer(TransportContext context, Supplier<SslContext> sslOrNull) {
    super(context, sslOrNull == null ? TransportKind.WS : TransportKind.WSS, sslOrNull);
    this.upgrade =
        new WebSocketUpgrade(
            context.config().listen().wsPath(), limits(), metrics(), HTTP, HTTP_AGGREGATOR);
  }

  @Override
  void addCodec(ChannelPipeline pipeline) {
    pipeline
        .addLast(HTTP, new HttpServerCodec())
        .addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_CONTENT))
        .addLast(UPGRADE, upgrade);
  }
}
