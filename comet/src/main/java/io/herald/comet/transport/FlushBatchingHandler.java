package io.herald.comet.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Flush batching, as Netty's {@code FlushConsolidationHandler(256, true)}: flushes asked for during
 * a read wait for its end; other flushes are merged into one {@link FlushTask} on the event loop,
 * after whatever else that loop turn writes; the {@value #FLUSH_AFTER_FLUSHES}th pending flush, a
 * close, a disconnect, an error and the handler's removal flush at once.
 *
 * <p>A base class rather than a handler of its own, so that it costs a client connection three
 * fields of its one handler instead of a pipeline slot (a context and a handler object). The
 * subclass receives what is read in {@link #messageReceived}. One per channel, on its event loop.
 */
abstract class FlushBatchingHandler extends ChannelDuplexHandler {
  /** Flushes merged at most into one (Netty's {@code explicitFlushAfterFlushes}). */
  static final int FLUSH_AFTER_FLUSHES = 256;

  ChannelHandlerContext ctx;
  private int flushesPending;
  private boolean reading;

  /** Whether a {@link FlushTask} is queued on the event loop. */
  private boolean flushQueued;

  /**
   * A message read from the channel; what is flushed while handling it goes out at the read's end.
   */
  abstract void messageReceived(ChannelHandlerContext ctx, Object msg);

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    flushIfPending(ctx);
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    messageReceived(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    endRead(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (++flushesPending == FLUSH_AFTER_FLUSHES) {
      flushNow(ctx);
    } else if (!reading && !flushQueued) {
      // Soon, but after whatever else this loop turn writes. A read's end flushes by itself.
      flushQueued = true;
      ctx.executor().execute(new FlushTask(this));
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    endRead(ctx);
    ChannelFuture unused = ctx.close(promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    endRead(ctx);
    ChannelFuture unused = ctx.disconnect(promise);
  }

  /**
   * Ends the read under way, if any (an error or a close ends it early), and flushes what is
   * pending.
   */
  final void endRead(ChannelHandlerContext ctx) {
    reading = false;
    flushIfPending(ctx);
  }

  /** Flushes what is pending now (e.g. to let a full outbound queue drain). */
  final void flushIfPending(ChannelHandlerContext ctx) {
    if (flushesPending > 0) {
      flushNow(ctx);
    }
  }

  private void flushNow(ChannelHandlerContext ctx) {
    // A FlushTask still queued finds nothing pending, unless more flushes came meanwhile.
    flushesPending = 0;
    ctx.flush();
  }

  private void flushQueuedTask() {
    flushQueued = false;
    if (!reading) {
      flushIfPending(ctx);
    }
  }

  /**
   * The flush that the flushes asked for outside a read are merged into, queued on the event loop
   * by the first of them. One object for the moment it is queued: the connection keeps only a flag.
   */
  static final class FlushTask implements Runnable {
    private final FlushBatchingHandler handler;

    FlushTask(FlushBatchingHandler handler) {
      this.handler = handler;
    }

    @Override
    public void run() {
      handler.flushQueuedTask();
    }
  }
}
