package io.herald.comet.push;

import io.herald.comet.push.PushMetrics.DropReason;
import io.herald.comet.push.PushMetrics.Kind;
import io.herald.comet.session.Connection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;

/**
 * The one place pushes reach a channel. A push is written only to an open channel that is writable
 * (its outbound queue below the high watermark); otherwise it is dropped and counted in {@code
 * herald.comet.push.dropped{reason}}, so the Comet never queues without bound for a client that
 * does not read (the transport's client handler closes one that stays so). Nothing is allocated for
 * a dropped push: the shared buffer is duplicated only once the write is admitted.
 *
 * <p>Safe from any thread: {@code writeAndFlush} hands the write to the channel's event loop, where
 * the pipeline's flush consolidation merges flushes. A write that fails because the channel closed
 * meanwhile fails its (unobserved) future quietly and Netty releases its buffer; a void promise is
 * not used, as it would fire that failure through the pipeline as an exception.
 */
final class OutboundWriter {
  private final PushMetrics metrics;

  OutboundWriter(PushMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * How far past the high watermark a connection's queue may grow before pushes to it are dropped:
   * a burst (pushes arrive faster than one event loop turn writes them) briefly makes even a
   * healthy connection unwritable, and must not cost it messages. A client that stops reading stays
   * unwritable and is closed by the transport's client handler; until then it holds at most this
   * many times the high mark.
   */
  static final int QUEUE_LIMIT_FACTOR = 4;

  /** Whether a frame written to {@code channel} now would be queued rather than dropped. */
  static boolean canWrite(Channel channel) {
    return channel.isActive() && hasRoom(channel);
  }

  private static boolean hasRoom(Channel channel) {
    if (channel.isWritable()) {
      return true;
    }
    WriteBufferWaterMark marks = channel.config().getWriteBufferWaterMark();
    long queued = channel.bytesBeforeWritable() + marks.low();
    return queued < (long) marks.high() * QUEUE_LIMIT_FACTOR;
  }

  /**
   * Writes {@code payload} to {@code connection} in its version and framing, or drops it and counts
   * why. The caller has checked that the connection accepts the payload's ops.
   *
   * @return whether it was written (queued)
   */
  boolean write(Connection connection, SharedPayload payload, Kind kind) {
    Channel channel = connection.channel();
    int frames = payload.frameCount();
    if (!channel.isActive()) {
      metrics.dropped(DropReason.CLOSED, frames);
      return false;
    }
    if (!hasRoom(channel)) {
      metrics.dropped(DropReason.UNWRITABLE, frames);
      return false;
    }
    ChannelFuture unused = channel.writeAndFlush(payload.retainedFor(connection));
    metrics.pushed(kind, frames);
    return true;
  }
}
