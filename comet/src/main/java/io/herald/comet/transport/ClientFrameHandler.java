package io.herald.comet.transport;

import io.herald.comet.proxy.ClientAddress;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.RawBatch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
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
 *   <li><b>upstream rate</b> ({@link UpstreamRate}): every frame takes a token, AUTH and heartbeats
 *       included; a frame that finds none closes the connection ({@code
 *       herald.comet.rate.limited{kind=upstream}}) and every later frame is dropped.
 *   <li><b>flush batching</b>: its base class, {@link FlushBatchingHandler}; the channel turning
 *       unwritable flushes at once too.
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
 * <p>What the handlers of a listener share is in their {@link ClientListener}. Time is the event
 * loop's {@link io.netty.util.concurrent.Ticker}: {@code System.nanoTime()} on a real loop,
 * test-controlled on an {@code EmbeddedChannel}. One per channel, on its event loop.
 */
abstract class ClientFrameHandler extends FlushBatchingHandler {
  private static final Logger log = LoggerFactory.getLogger(ClientFrameHandler.class);

  final ClientListener listener;

  /** When the next upstream token is due ({@link UpstreamRate}); at or before now: full. */
  private long tokenDueAt;

  /** Whether the connection limiter admitted the channel (passed its channelActive on). */
  private boolean admitted;

  /**
   * Whether the channel counts as a handshake in flight at the limiter (admitted, not yet over).
   */
  private boolean handshaking;

  private boolean rateLimited;
  private boolean unwritable;
  private Future<?> unwritableDeadline;

  ClientFrameHandler(ClientListener listener) {
    this.listener = listener;
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
  final void takeOver(ClientFrameHandler replaced) {
    tokenDueAt = replaced.tokenDueAt;
    rateLimited = replaced.rateLimited;
    admitted = replaced.admitted;
    replaced.admitted = false;
    handshaking = replaced.handshaking;
    replaced.handshaking = false;
  }

  /** The handshake is over (Logic answered, or the channel closed): its limiter slot goes back. */
  final void handshakeOver() {
    if (handshaking) {
      handshaking = false;
      listener.limiter().handshakeOver();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    super.handlerAdded(ctx);
    tokenDueAt = ctx.executor().ticker().nanoTime();
    Channel channel = ctx.channel();
    if (channel.isActive() && !channel.isWritable()) {
      watchUnwritable(ctx);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    super.handlerRemoved(ctx);
    stopWatchingUnwritable();
  }

  // Inbound: batches, metering, the rate limit.

  @Override
  final void messageReceived(ChannelHandlerContext ctx, Object msg) {
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
      frames = RawBatch.split(frame.body(), listener.limits());
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
    listener.metrics().frameIn(frame);
    if (rateLimited) {
      frame.release();
      return;
    }
    UpstreamRate rate = listener.upstreamRate();
    long now = ctx.executor().ticker().nanoTime();
    if (rate.allows(tokenDueAt, now)) {
      tokenDueAt = rate.taken(tokenDueAt, now);
      frame(ctx, frame);
      return;
    }
    rateLimited = true;
    frame.release();
    listener.metrics().rateLimitedUpstream.increment();
    WebSocketCodec.closeWith(ctx.pipeline(), WebSocketCloseStatus.POLICY_VIOLATION);
    log.debug(
        "Closing {}: more than {} frames/s", ClientAddress.ip(ctx.channel()), rate.perSecond());
    closeChannel(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    endRead(ctx);
    listener.errors().closeOn(ctx, cause);
  }

  // Outbound: metering.

  /**
   * Writes {@code msg} from this handler (which its own {@link #write} does not see), counted and
   * flushed like any other write.
   */
  final ChannelFuture send(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    listener.metrics().frameOut(msg, listener.kind().webSocket());
    ChannelFuture written = ctx.write(msg, promise);
    flush(ctx);
    return written;
  }

  /** Closes the channel from this handler, flushing what is pending first. */
  final void closeChannel(ChannelHandlerContext ctx) {
    endRead(ctx);
    ChannelFuture unused = ctx.close();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    listener.metrics().frameOut(msg, listener.kind().webSocket());
    ChannelFuture unused = ctx.write(msg, promise);
  }

  // Slow consumers, and the limiter's slot.

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
    handshaking = true;
    listener.limiter().opened(listener.kind());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopWatchingUnwritable();
    handshakeOver();
    if (admitted) {
      admitted = false;
      listener.limiter().released(ctx.channel(), listener.kind());
    }
    ctx.fireChannelInactive();
  }

  private void watchUnwritable(ChannelHandlerContext ctx) {
    if (unwritable) {
      return;
    }
    unwritable = true;
    listener.slowConsumers().becameUnwritable();
    unwritableDeadline =
        ctx.executor()
            .schedule(
                () -> unwritableTooLong(ctx), listener.maxUnwritableNanos(), TimeUnit.NANOSECONDS);
  }

  private void unwritableTooLong(ChannelHandlerContext ctx) {
    unwritableDeadline = null;
    Channel channel = ctx.channel();
    if (unwritable && channel.isActive() && !channel.isWritable()) {
      listener.slowConsumers().closed();
      log.debug(
          "Closing {}: unwritable for longer than {} ms ({} bytes over the low watermark)",
          channel,
          TimeUnit.NANOSECONDS.toMillis(listener.maxUnwritableNanos()),
          channel.bytesBeforeWritable());
      closeChannel(ctx);
    }
  }

  private void stopWatchingUnwritable() {
    if (!unwritable) {
      return;
    }
    unwritable = false;
    listener.slowConsumers().recovered();
    if (unwritableDeadline != null) {
      unwritableDeadline.cancel(false);
      unwritableDeadline = null;
    }
  }
}
