package io.herald.wire.codec;

import io.herald.wire.BadPacketLengthException;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.NotBinaryFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * WebSocket's only difference from TCP: each binary message carries exactly one frame (an op-9
 * frame carries a batch). Inbound binary messages become {@link Frame}s; text messages and
 * unaggregated fragments are refused; control frames pass through. Outbound {@link Frame}s and
 * already encoded frame buffers become binary messages.
 */
public final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, Object> {
  private final FrameLimits limits;

  public WebSocketFrameCodec(FrameLimits limits) {
    super(WebSocketFrame.class, Object.class);
    this.limits = limits;
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Frame || msg instanceof ByteBuf;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
    if (msg instanceof BinaryWebSocketFrame) {
      if (!msg.isFinalFragment()) {
        throw new NotBinaryFrameException("fragmented WebSocket message (no aggregator)");
      }
      ByteBuf content = msg.content();
      Frame frame = FrameCodec.decode(content, limits);
      if (content.isReadable()) {
        int trailing = content.readableBytes();
        frame.release();
        throw new BadPacketLengthException(
            trailing + " bytes follow the frame in one WebSocket message");
      }
      out.add(frame);
    } else if (msg instanceof PingWebSocketFrame
        || msg instanceof PongWebSocketFrame
        || msg instanceof CloseWebSocketFrame) {
      out.add(msg.retain());
    } else {
      throw new NotBinaryFrameException(
          msg.getClass().getSimpleName() + " where a binary frame was expected");
    }
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof Frame frame) {
      ByteBuf buf = ctx.alloc().ioBuffer(FrameCodec.encodedLength(frame));
      FrameCodec.encode(frame, buf);
      out.add(new BinaryWebSocketFrame(buf));
    } else {
      out.add(new BinaryWebSocketFrame(((ByteBuf) msg).retain()));
    }
  }
}
