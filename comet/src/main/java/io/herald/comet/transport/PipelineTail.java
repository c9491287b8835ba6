package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.push.SlowConsumerHandler;
import io.herald.wire.FrameLimits;
import io.herald.wire.codec.RawBatchSplitter;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;

/**
 * What every client pipeline shares, TCP or WebSocket alike: the head (connection admission, TLS)
 * and the tail after the transport's codec. Built once per initializer; the stateless handlers in
 * it are shared by the initializer's channels.
 *
 * <pre>
 * limiter (gone once it admits) → [tls] → (transport codec) → batches → meter → flush → slow-consumer → rate
 *   → auth (replaced by connection once AUTH succeeds) → errors
 * </pre>
 */
final class PipelineTail {
  static final String LIMITER = "limiter";
  static final String TLS = "tls";
  static final String BATCHES = "batches";
  static final String METER = "meter";
  static final String FLUSH = "flush";
  static final String SLOW_CONSUMER = "slow-consumer";
  static final String RATE = "rate";
  static final String AUTH = "auth";
  static final String CONNECTION = "connection";
  static final String ERRORS = "errors";

  private final TransportContext context;
  private final FrameLimits limits;
  private final TransportMetrics metrics;
  private final FrameMeter meter;
  private final ProtocolErrorHandler errors;
  // Shared by every channel: both are immutable settings, not per-connection state.
  private final WriteBufferWaterMark waterMark;
  private final RecvByteBufAllocator receiveSizes = new AdaptiveRecvByteBufAllocator();

  PipelineTail(TransportContext context) {
    this.context = context;
    this.limits = new FrameLimits(context.config().protocol().maxBodyBytes());
    this.metrics = new TransportMetrics(context.meters());
    this.meter = new FrameMeter(metrics);
    this.errors = new ProtocolErrorHandler(metrics);
    CometConfig.Outbound outbound = context.config().outbound();
    this.waterMark =
        new WriteBufferWaterMark(outbound.lowWatermarkBytes(), outbound.highWatermarkBytes());
  }

  FrameLimits limits() {
    return limits;
  }

  /** Marks the channel's transport, sets its write watermarks, adds the limiter and TLS. */
  void addHead(Channel channel, TransportKind kind, SslContext sslOrNull) {
    kind.mark(channel);
    channel.config().setWriteBufferWaterMark(waterMark).setRecvByteBufAllocator(receiveSizes);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(LIMITER, context.connectionLimiter());
    if (sslOrNull != null) {
      pipeline.addLast(TLS, sslOrNull.newHandler(channel.alloc()));
    }
  }

  /** Adds the shared tail after the transport's codec, which turns bytes into frames. */
  void addTail(Channel channel, TransportKind kind) {
    CometConfig.Limits rate = context.config().limits();
    channel
        .pipeline()
        .addLast(BATCHES, new RawBatchSplitter(limits))
        .addLast(METER, meter)
        .addLast(FLUSH, new FlushConsolidationHandler(256, true))
        .addLast(
            SLOW_CONSUMER,
            new SlowConsumerHandler(context.config().outbound(), context.slowConsumerMetrics()))
        .addLast(
            RATE, new UpstreamRateLimiter(rate.upstreamPerSecond(), rate.upstreamBurst(), metrics))
        .addLast(AUTH, new AuthHandler(context, metrics, kind))
        .addLast(ERRORS, errors);
  }
}
