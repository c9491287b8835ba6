package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.TransportKind;
import io.herald.wire.FrameLimits;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;

/**
 * What every client pipeline shares, TCP or WebSocket alike: the head (connection admission, TLS)
 * and the tail after the transport's codec. Built once per initializer (one transport); what it
 * shares with the handlers is in its {@link ClientPolicy}.
 *
 * <pre>
 * limiter (gone once it admits) → [tls] → (transport codec)
 *   → auth (replaced by connection once AUTH succeeds)
 * </pre>
 *
 * The tail is one handler: op-9 batch splitting, frame metering, the upstream rate limit, flush
 * consolidation, the slow-consumer deadline and the terminal error handling are fields and methods
 * of {@link ClientHandler}, which both the auth and the connection handler are, so an authenticated
 * connection's pipeline holds one Herald context after the codec.
 */
final class PipelineTail {
  static final String LIMITER = "limiter";
  static final String TLS = "tls";
  static final String AUTH = "auth";
  static final String CONNECTION = "connection";

  private final TransportContext context;
  private final FrameLimits limits;
  private final ClientPolicy policy;
  // Shared by every channel: both are immutable settings, not per-connection state.
  private final WriteBufferWaterMark waterMark;
  private final RecvByteBufAllocator receiveSizes = new AdaptiveRecvByteBufAllocator();

  PipelineTail(TransportContext context, TransportKind kind) {
    this.context = context;
    this.limits = new FrameLimits(context.config().protocol().maxBodyBytes());
    this.policy = new ClientPolicy(context, kind, limits);
    CometConfig.Outbound outbound = context.config().outbound();
    this.waterMark =
        new WriteBufferWaterMark(outbound.lowWatermarkBytes(), outbound.highWatermarkBytes());
  }

  FrameLimits limits() {
    return limits;
  }

  /** Sets the channel's write watermarks, adds the limiter and TLS. */
  void addHead(Channel channel, SslContext sslOrNull) {
    channel.config().setWriteBufferWaterMark(waterMark).setRecvByteBufAllocator(receiveSizes);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(LIMITER, context.connectionLimiter());
    if (sslOrNull != null) {
      pipeline.addLast(TLS, sslOrNull.newHandler(channel.alloc()));
    }
  }

  /** Adds the shared tail after the transport's codec, which turns bytes into frames. */
  void addTail(Channel channel) {
    channel.pipeline().addLast(AUTH, new AuthHandler(policy));
  }
}
