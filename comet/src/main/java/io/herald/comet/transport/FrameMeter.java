package io.herald.comet.transport;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts frames and their encoded bytes in both directions ({@code herald.comet.frames{direction}},
 * {@code herald.comet.bytes{direction}}). Sits right after the codec, so it sees every inbound
 * frame (each frame of an op-9 batch separately) and every outbound frame or pre-encoded frame
 * buffer (an outbound op-9 batch counts once). Stateless: one per initializer.
 */
@Sharable
final class FrameMeter extends ChannelDuplexHandler {
  private final TransportMetrics metrics;

  FrameMeter(TransportMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Frame frame) {
      metrics.framesIn.increment();
      metrics.bytesIn.increment(FrameCodec.encodedLength(frame));
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Frame frame) {
      metrics.framesOut.increment();
      metrics.bytesOut.increment(FrameCodec.encodedLength(frame));
    } else if (msg instanceof ByteBuf buf) {
      metrics.framesOut.increment();
      metrics.bytesOut.increment(buf.readableBytes());
    }
    ChannelFuture unused = ctx.write(msg, promise);
  }
}
