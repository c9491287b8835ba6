package io.herald.wire.codec;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * TCP inbound: cuts the byte stream into packets by packLen, then parses each into a {@link Frame}.
 * A bad length or header is refused as soon as its first 6 bytes arrive, without waiting for (or
 * buffering) the rest; after the first {@link ProtocolException} the decoder discards all further
 * input, so a closing connection raises one error, not one per read.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final FrameLimits limits;
  private boolean failed;

  public FrameDecoder(FrameLimits limits) {
    // packLen (4 bytes at offset 0) counts the whole packet, itself included: adjust by -4.
    super(limits.maxPacketLength(), 0, 4, -4, 0, true);
    this.limits = limits;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    try {
      checkPrefix(in);
      ByteBuf packet = (ByteBuf) super.decode(ctx, in);
      if (packet == null) {
        return null;
      }
      try {
        return FrameCodec.decode(packet, limits);
      } finally {
        packet.release();
      }
    } catch (ProtocolException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private void checkPrefix(ByteBuf in) {
    int readable = in.readableBytes();
    int start = in.readerIndex();
    if (readable >= FrameCodec.PREFIX_LENGTH) {
      FrameCodec.checkPrefix(in.getInt(start), in.getShort(start + 4), limits);
    } else if (readable >= 4) {
      FrameCodec.checkPacketLength(in.getInt(start), limits);
    }
  }
}
