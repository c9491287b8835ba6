package io.herald.wire.codec;

import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.RawBatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Inbound: replaces each op-9 frame by the frames inside it, in order; other frames pass through.
 * Clients put it after the transport codec; a server may too, to accept batched upstream frames.
 */
public final class RawBatchSplitter extends MessageToMessageDecoder<Frame> {
  private final FrameLimits limits;

  public RawBatchSplitter(FrameLimits limits) {
    super(Frame.class);
    this.limits = limits;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    if (frame.op() == Op.RAW) {
      out.addAll(RawBatch.split(frame.body(), limits));
    } else {
      out.add(frame.retain());
    }
  }
}
