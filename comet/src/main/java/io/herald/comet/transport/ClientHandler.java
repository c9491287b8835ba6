package io.herald.comet.transport;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.RawBatch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every client pipeline: the {@link AuthHandler}, then the {@link
 * ConnectionHandler} that replaces it. Besides the protocol (in the subclass), it carries what
 * every client connection needs, as fields of the one handler rather than handlers of their own, so
 * an idle connection pays for one pipeline slot instead of seven:
 *
 * <ul>
 *   <li><b>op-9 batches</b> from the client are split; each frame inside is handled in order, as if
 *       it had come alone. A malformed batch is a protocol error.
 *   <li><b>metering</b>: every frame from the client ({@code herald.comet.frames{direction=in}} and
 *       {@code herald.comet.bytes{direction=in}}, after batches are split, before the rate limit)
 *       and every frame or pre-encoded buffer written to it ({@code direction=out}: an outbound
 *       op-9 batch counts once).
 *   <li><b>upstream rate</b>: a token bucket refilled at {@code limits.upstreamPerSecond} holding
 *       at most {@code upstreamBurst} (full at first), kept as one timestamp (GCRA). Every frame
 *       takes a token, AUTH and heartbeats included; a frame that finds none closes the connection
 *       ({@code herald.comet.rate.limited{kind=upstream}}) and every later frame is dropped.
 *   <li><b>flush consolidation</b>, as Netty's {@code FlushConsolidationHandler(256, true)}:
 *       flushes during a read wait for its end; other flushes are merged into one task on the event
 *       loop; 256 pending flushes, a close, an error or the channel turning unwritable flush at
 *       once.
 *   <li><b>slow consumers</b> (the close half of the policy; pushes to an unwritable channel are
 *       dropped by the write path): when the outbound queue rises above the high watermark a timer
 *       starts; a channel still unwritable after {@code outbound.maxUnwritable} is closed ({@code
 *       herald.comet.slow.consumers.closed}); draining below the low watermark, or closing, stops
 *       the timer. {@code herald.comet.write.queue.unwritable} gauges the channels above it.
 *   <li><b>errors</b>: every exception is handed to {@link ProtocolErrors}, which closes only this
 *       connection and counts why; messages that are not frames are released.
 *   <li>the {@link ConnectionLimiter}'s slot of the channel, given back when it goes inactive.
 * </ul>
 *
 * <p>Time is the event loop's {@link io.netty.util.concurrent.Ticker}: {@code System.nanoTime()} on
 * a real loop, test-controlled on an {@code EmbeddedChannel}. One per channel, on its event loop.
 */
abstract class ClientHandler extends ChannelDuplexHandler implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  /** Flushes merged at most into one (Netty's {@code explicitFlushAfterFlushes}). */
  static final int FLUSH_AFTER_FLUSHES = 256;

  final ClientPolicy policy;
  ChannelHandlerContext ctx;

  /** When the next token is due (GCRA's theoretical arrival time); at or before now: full. */
  private long tokenDueAt;

  /** Whether the connection limiter admitted the channel (passed its channelActive on). */
  private boolean admitted;

  private boolean rateLimited;
  private boolean readInProgress;
  private boolean unwritable;
  private int flushesPending;
  private Future<?> scheduledFlush;
  private Future<?> unwritableDeadline;

  ClientHandler(ClientPolicy policy) {
    this.policy = policy;
  }

  /**
   * One frame from the client, split out of its batch, metered and within the rate. The subclass
   * owns it and releases it.
   */
  abstract void frame(ChannelHandlerContext ctx, Frame frame);

  /**
   * Takes over the upstream rate and the limiter's slot of the handler this one replaced (call
   * after the replacement, which starts this one with a full bucket).
   */
  final void takeOver(ClientHandler replaced) {
    tokenDueAt = replaced.tokenDueAt;
    rateLimited = replaced.rateLimited;
    admitted = replaced.admitted;
    replaced.admitted = false;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    tokenDueAt = ctx.executor().ticker().nanoTime();
    Channel channel = ctx.channel();
    if (channel.isActive() && !channel.isWritable()) {
      watchUnwritable(ctx);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    flushIfPending(ctx);
    stopWatchingUnwritable();
  }

  // Inbound: batches, metering, the rate limit.

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readInProgress = true;
    if (!(msg instanceof Frame frame)) {
      ReferenceCountUtil.release(msg); // the WebSocket codec hands on nothing else; nor may TLS
      return;
    }
    if (frame.op() != Op.RAW) {
      admit(ctx, frame);
      return;
    }
    List<Frame> frames;
    try {
      frames = RawBatch.split(frame.body(), policy.limits());
    } finally {
      frame.release();
    }
    int next = 0;
    try {
      while (next < frames.size()) {
        admit(ctx, frames.get(next++));
      }
    } finally {
      while (next < frames.size()) {
        frames.get(next++).release();
      }
    }
  }

  private void admit(ChannelHandlerContext ctx, Frame frame) {
    policy.metrics().frameIn(frame);
    if (rateLimited) {
      frame.release();
      return;
    }
    if (takeToken(ctx.executor().ticker().nanoTime())) {
      frame(ctx, frame);
      return;
    }
    rateLimited = true;
    frame.release();
    policy.metrics().rateLimitedUpstream.increment();
    log.debug(
        "Closing {}: more than {} frames/s", ctx.channel().remoteAddress(), policy.ratePerSecond());
    closeChannel(ctx);
  }

  private boolean takeToken(long now) {
    long due = tokenDueAt - now < 0 ? now : tokenDueAt;
    if (due - now > policy.rateToleranceNanos()) {
      return false;
    }
    tokenDueAt = due + policy.rateIntervalNanos();
    return true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readInProgress = false;
    flushIfPending(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    readInProgress = false;
    flushIfPending(ctx);
    policy.errors().closeOn(ctx, cause);
  }

  // Outbound: metering and flush consolidation.

  /**
   * Writes {@code msg} from this handler (which its own {@link #write} does not see), counted and
   * flushed like any other write.
   */
  final ChannelFuture send(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    policy.metrics().frameOut(msg);
    ChannelFuture written = ctx.write(msg, promise);
    flush(ctx);
    return written;
  }

  /** Closes the channel from this handler, flushing what is pending first. */
  final void closeChannel(ChannelHandlerContext ctx) {
    readInProgress = false;
    flushIfPending(ctx);
    ChannelFuture unused = ctx.close();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    policy.metrics().frameOut(msg);
    ChannelFuture unused = ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (++flushesPending == FLUSH_AFTER_FLUSHES) {
      flushNow(ctx);
    } else if (!readInProgress && scheduledFlush == null) {
      // Soon, but after whatever else this loop turn writes. A read's end flushes by itself.
      scheduledFlush = ctx.channel().eventLoop().submit(this);
    }
  }

  /** The scheduled flush. */
  @Override
  public final void run() {
    if (flushesPending > 0 && !readInProgress) {
      flushesPending = 0;
      scheduledFlush = null;
      ctx.flush();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    readInProgress = false;
    flushIfPending(ctx);
    ChannelFuture unused = ctx.close(promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    readInProgress = false;
    flushIfPending(ctx);
    ChannelFuture unused = ctx.disconnect(promise);
  }

  private void flushIfPending(ChannelHandlerContext ctx) {
    if (flushesPending > 0) {
      flushNow(ctx);
    }
  }

  private void flushNow(ChannelHandlerContext ctx) {
    if (scheduledFlush != null) {
      scheduledFlush.cancel(false);
      scheduledFlush = null;
    }
    flushesPending = 0;
    ctx.flush();
  }

  // Slow consumers.

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (channel.isWritable()) {
      stopWatchingUnwritable();
    } else {
      flushIfPending(ctx); // let the queue drain
      if (channel.isActive()) {
        watchUnwritable(ctx);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    admitted = true;
    policy.context().connectionLimiter().opened(policy.kind());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopWatchingUnwritable();
    if (admitted) {
      admitted = false;
      policy.context().connectionLimiter().released(ctx.channel(), policy.kind());
    }
    ctx.fireChannelInactive();
  }

  private void watchUnwritable(ChannelHandlerContext ctx) {
    if (unwritable) {
      return;
    }
    unwritable = true;
    policy.slowConsumers().becameUnwritable();
    unwritableDeadline =
        ctx.executor()
            .schedule(
                () -> unwritableTooLong(ctx), policy.maxUnwritableNanos(), TimeUnit.NANOSECONDS);
  }

  private void unwritableTooLong(ChannelHandlerContext ctx) {
    unwritableDeadline = null;
    Channel channel = ctx.channel();
    if (unwritable && channel.isActive() && !channel.isWritable()) {
      policy.slowConsumers().closed();
      log.debug(
          "Closing {}: unwritable for longer than {} ms ({} bytes over the low watermark)",
          channel,
          TimeUnit.NANOSECONDS.toMillis(policy.maxUnwritableNanos()),
          channel.bytesBeforeWritable());
      closeChannel(ctx);
    }
  }

  private void stopWatchingUnwritable() {
    if (!unwritable) {
      return;
    }
    unwritable = false;
    policy.slowConsumers().recovered();
    if (unwritableDeadline != null) {
      unwritableDeadline.cancel(false);
      unwritableDeadline = null;
    }
  }
}
