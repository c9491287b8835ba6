package io.herald.comet.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the WebSocket path only: an HTTP request for any other path is answered {@code 404} and
 * the connection closed; an unparsable one {@code 400}. A query string is allowed ({@code
 * /sub?token=...}); the path must match exactly. Placed before the WebSocket handshake handler;
 * once the connection is upgraded it only passes WebSocket frames along. Stateless: one per
 * initializer.
 */
@Sharable
final class WebSocketPathGuard extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketPathGuard.class);

  private final String path;

  WebSocketPathGuard(String path) {
    this.path = path;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpResponseStatus refusal = null;
    if (request.decoderResult().isFailure()) {
      refusal = HttpResponseStatus.BAD_REQUEST;
    } else if (!path.equals(pathOf(request.uri()))) {
      refusal = HttpResponseStatus.NOT_FOUND;
    }
    if (refusal == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    log.debug(
        "Refusing {} {} from {}: {}", request.method(), request.uri(), ctx.channel(), refusal);
    ReferenceCountUtil.release(msg);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, refusal, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    // Closed from here, not from the channel: the WebSocket handler after this one would answer a
    // close with a WebSocket close frame, which an HTTP connection cannot carry.
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  ChannelFuture unused = ctx.close();
                });
  }

  private static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }
}
