package io.herald.comet.push;

import io.herald.comet.config.CometConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disconnect half of the slow-consumer policy (the drop half is the write path: pushes to an
 * unwritable channel are dropped). When the channel's outbound queue rises above the high watermark
 * this starts a timer; if the channel is still unwritable after {@code maxUnwritable} it is closed
 * and counted; if it drains below the low watermark first, or closes, the timer is cancelled. So a
 * client that stops reading costs at most the high watermark, for at most {@code maxUnwritable}.
 *
 * <p>One per channel (it keeps the channel's timer), anywhere in the pipeline: it only watches
 * {@code channelWritabilityChanged} and passes every event on. The channel's write-buffer
 * watermarks are set from the same {@link CometConfig.Outbound} by whoever builds the pipeline.
 */
public final class SlowConsumerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger logger = LoggerFactory.getLogger(SlowConsumerHandler.class);

  private final long maxUnwritableNanos;
  private final SlowConsumerMetrics metrics;
  private boolean unwritable;
  private ScheduledFuture<?> deadline;

  /**
   * @param outbound the watermarks' policy; {@code maxUnwritable} is used here
   * @param metrics the Comet's one {@link SlowConsumerMetrics}, shared by every handler
   */
  public SlowConsumerHandler(CometConfig.Outbound outbound, SlowConsumerMetrics metrics) {
    this.maxUnwritableNanos = outbound.maxUnwritable().toNanos();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (channel.isActive() && !channel.isWritable()) {
      watch(ctx);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      stopWatching();
    } else if (ctx.channel().isActive()) {
      watch(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopWatching();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopWatching();
  }

  private void watch(ChannelHandlerContext ctx) {
    if (unwritable) {
      return;
    }
    unwritable = true;
    metrics.becameUnwritable();
    deadline = ctx.executor().schedule(() -> expire(ctx), maxUnwritableNanos, TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx) {
    deadline = null;
    Channel channel = ctx.channel();
    if (unwritable && channel.isActive() && !channel.isWritable()) {
      metrics.closed();
      logger.debug(
          "Closing {}: unwritable for longer than {} ms ({} bytes over the low watermark)",
          channel,
          TimeUnit.NANOSECONDS.toMillis(maxUnwritableNanos),
          channel.bytesBeforeWritable());
      ChannelFuture unused = ctx.close();
    }
  }

  private void stopWatching() {
    if (!unwritable) {
      return;
    }
    unwritable = false;
    metrics.recovered();
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
