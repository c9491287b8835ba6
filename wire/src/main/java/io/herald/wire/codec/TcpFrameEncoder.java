package io.herald.wire.codec;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.Op;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * TCP outbound: writes each {@link Frame} in its own version. An op-9 batch is written as its body
 * alone, so its inner frames reach the peer as ordinary frames, byte for byte as goim does. Buffers
 * that are already encoded frames pass through untouched. Stateless: use {@link #INSTANCE}.
 */
@Sharable
public final class TcpFrameEncoder extends MessageToMessageEncoder<Frame> {
  public static final TcpFrameEncoder INSTANCE = new TcpFrameEncoder();

  private TcpFrameEncoder() {
    super(Frame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    if (frame.op() == Op.RAW) {
      out.add(frame.body().retain());
      return;
    }
    ByteBuf buf = ctx.alloc().ioBuffer(FrameCodec.encodedLength(frame));
    FrameCodec.encode(frame, buf);
    out.add(buf);
  }
}
