package io.herald.comet.transport;

import io.herald.wire.Frame;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the frames one connection may send: a token bucket refilled at {@code perSecond} that holds
 * at most {@code burst} tokens (full at first). Every inbound frame takes a token, heartbeats and
 * AUTH included; a frame that finds none closes the connection, counted in {@code
 * herald.comet.rate.limited{kind=upstream}}, and everything after it is dropped.
 *
 * <p>Time is the event loop's {@link io.netty.util.concurrent.Ticker}: {@code System.nanoTime()} on
 * a real loop, test-controlled on an {@code EmbeddedChannel}. One per channel.
 */
final class UpstreamRateLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UpstreamRateLimiter.class);

  private final TokenBucket bucket;
  private final TransportMetrics metrics;
  private boolean limited;

  UpstreamRateLimiter(int perSecond, int burst, TransportMetrics metrics) {
    this.bucket = new TokenBucket(perSecond, burst);
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (limited) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (bucket.tryTake(ctx.executor().ticker().nanoTime())) {
      ctx.fireChannelRead(msg);
      return;
    }
    limited = true;
    ReferenceCountUtil.release(msg);
    metrics.rateLimitedUpstream.increment();
    log.debug(
        "Closing {}: more than {} frames/s", ctx.channel().remoteAddress(), bucket.perSecond());
    ChannelFuture unused = ctx.close();
  }
}
