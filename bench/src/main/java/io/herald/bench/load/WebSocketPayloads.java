package io.herald.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * A raw WebSocket subscriber's tail (nchan's): each text or binary message is one {@link Payload}
 * body. Counts the connection as subscribed when its handshake completes. Not {@code @Sharable}.
 */
final class WebSocketPayloads extends SimpleChannelInboundHandler<WebSocketFrame> {
  private final PayloadRecorder recorder;
  private final Runnable onSubscribed;

  WebSocketPayloads(DeliveryStats stats, Runnable onSubscribed) {
    this.recorder = new PayloadRecorder(stats);
    this.onSubscribed = onSubscribed;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      onSubscribed.run();
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
      ByteBuf content = frame.content();
      recorder.record(content, content.readerIndex(), content.readableBytes());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    System.err.println(ctx.channel() + " failed: " + cause);
    var unused = ctx.close();
  }
}
