package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.proxy.ProxyHeaders;
import io.herald.comet.session.TransportKind;
import io.herald.wire.FrameLimits;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * What every client pipeline has, TCP or WebSocket alike: the head (connection admission, TLS) and
 * the tail after the transport's codec, which the subclass adds.
 *
 * <pre>
 * [proxy-decoder → proxy] (gone after the header) → limiter (gone once it admits) → [tls]
 *   → (transport codec) → auth (replaced by connection once AUTH succeeds)
 * </pre>
 *
 * The PROXY header's handlers are there only on a listener with the PROXY protocol on ({@code
 * listen.proxyProtocol}); they hold the connection back until the header declares the client's
 * address, which the limiter then admits.
 *
 * <p>The tail is one handler, a {@link ClientFrameHandler}: op-9 batch splitting, frame metering,
 * the upstream rate limit, flush batching, the slow-consumer deadline and the terminal error
 * handling are its fields and methods, so an authenticated connection's pipeline holds one Herald
 * context after the codec. One per listener; shared by its channels, with the listener's {@link
 * ClientListener}.
 */
abstract class ClientChannelInitializer extends ChannelInitializer<Channel> {
  static final String LIMITER = "limiter";
  static final String TLS = "tls";
  static final String AUTH = "auth";
  static final String CONNECTION = "connection";

  private final Supplier<SslContext> ssl;
  private final ClientListener listener;
  private final ProxyHeaders proxyOrNull;
  // Shared by every channel: both are immutable settings, not per-connection state.
  private final WriteBufferWaterMark waterMark;
  private final RecvByteBufAllocator receiveSizes = new AdaptiveRecvByteBufAllocator();

  /**
   * @param sslOrNull the server's TLS context for a TLS listener; {@code null} for plain
   */
  ClientChannelInitializer(
      TransportContext context, TransportKind kind, Supplier<SslContext> sslOrNull) {
    this.ssl = sslOrNull;
    this.listener = new ClientListener(context, kind);
    CometConfig.ProxyProtocol proxy = context.config().listen().proxyProtocol();
    boolean proxied =
        switch (kind) {
          case TCP -> proxy.tcp();
          case TCP_TLS -> proxy.tcpTls();
          case WS -> proxy.ws();
          case WSS -> proxy.wss();
        };
    this.proxyOrNull =
        proxied ? new ProxyHeaders(proxy.headerTimeout(), context.meters(), kind.tag()) : null;
    var outbound = context.config().outbound();
    this.waterMark =
        new WriteBufferWaterMark(outbound.lowWatermarkBytes(), outbound.highWatermarkBytes());
  }

  /** The frame limits, for the transport's codec. */
  final FrameLimits limits() {
    return listener.limits();
  }

  /** The listener's transport metrics, for the transport's handlers. */
  final TransportMetrics metrics() {
    return listener.metrics();
  }

  /** Adds the transport's handlers, which turn bytes into frames and frames into bytes. */
  abstract void addCodec(ChannelPipeline pipeline);

  @Override
  protected final void initChannel(Channel channel) {
    channel.config().setWriteBufferWaterMark(waterMark).setRecvByteBufAllocator(receiveSizes);
    ChannelPipeline pipeline = channel.pipeline();
    if (proxyOrNull != null) {
      proxyOrNull.addTo(pipeline);
    }
    pipeline.addLast(LIMITER, listener.limiter());
    if (ssl != null) {
      pipeline.addLast(TLS, ssl.get().newHandler(channel.alloc()));
    }
    addCodec(pipeline);
    pipeline.addLast(AUTH, new AuthHandler(listener));
  }
}
