package io.herald.comet.push;

import io.herald.comet.push.WriteMetrics.DropReason;
import io.herald.comet.push.WriteMetrics.Kind;
import io.herald.comet.session.Connection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * The one place pushes reach a channel. A push is written only to an open channel whose outbound
 * queue {@linkplain Connection#hasRoom() has room}; otherwise it is dropped and counted in {@code
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
  private final WriteMetrics metrics;

  OutboundWriter(WriteMetrics metrics) {
    this.metrics = metrics;
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
    if (!connection.hasRoom()) {
      metrics.dropped(DropReason.UNWRITABLE, frames);
      return false;
    }
    ChannelFuture unused = channel.writeAndFlush(payload.retainedFor(connection));
    metrics.pushed(kind, frames);
    return true;
  }
}
