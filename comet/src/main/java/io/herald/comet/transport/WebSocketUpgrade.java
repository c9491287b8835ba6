package io.herald.comet.transport;

import io.herald.wire.FrameLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opening handshake of a WebSocket (RFC 6455 §4.2, version 13), on the WebSocket path only.
 * Once it answers {@code 101 Switching Protocols} it takes the HTTP handlers and itself out of the
 * pipeline and puts one {@link WebSocketCodec} in their place, then tells the handlers after it
 * ({@link HandshakeComplete}: the AUTH handler takes the cookie from it). Refused, with the
 * connection closed after the answer:
 *
 * <ul>
 *   <li>an unparsable request: {@code 400};
 *   <li>another path: {@code 404} (a query string is allowed: {@code /sub?token=...});
 *   <li>a method other than GET: {@code 403};
 *   <li>no {@code Upgrade: websocket}, {@code Connection: upgrade} or {@code Sec-WebSocket-Key}:
 *       {@code 400};
 *   <li>a {@code Sec-WebSocket-Version} other than 13: {@code 426} naming 13.
 * </ul>
 *
 * Each refusal is logged at DEBUG; all but the 404 are counted as {@code
 * herald.comet.protocol.errors{reason=bad_websocket}}. A request cut off by the client closing the
 * connection is neither answered nor counted. No extension or subprotocol is negotiated. The time
 * to upgrade counts in the AUTH handler's {@code protocol.handshakeTimeout}. Stateless: one per
 * initializer.
 */
@Sharable
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  static final String WEBSOCKET = "websocket";

  private final String path;
  private final FrameLimits limits;
  private final TransportMetrics metrics;
  private final String httpCodec;
  private final String httpAggregator;

  WebSocketUpgrade(
      String path,
      FrameLimits limits,
      TransportMetrics metrics,
      String httpCodec,
      String httpAggregator) {
    this.path = path;
    this.limits = limits;
    this.metrics = metrics;
    this.httpCodec = httpCodec;
    this.httpAggregator = httpAggregator;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request) || !ctx.channel().isActive()) {
      // A request the HTTP decoder hands on as the connection closes is cut off: the client left,
      // it broke no rule, and no one is there to answer.
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      HttpResponseStatus refusal = refusal(request);
      if (refusal != null) {
        refuse(ctx, request, refusal);
      } else {
        upgrade(ctx, request);
      }
    } finally {
      request.release();
    }
  }

  private HttpResponseStatus refusal(FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (!path.equals(pathOf(request.uri()))) {
      return HttpResponseStatus.NOT_FOUND;
    }
    if (!HttpMethod.GET.equals(request.method())) {
      return HttpResponseStatus.FORBIDDEN;
    }
    HttpHeaders headers = request.headers();
    if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY, "").isBlank()) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      return HttpResponseStatus.UPGRADE_REQUIRED;
    }
    return null;
  }

  private void refuse(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
    log.debug("Refusing {} {} from {}: {}", request.method(), request.uri(), ctx.channel(), status);
    if (!HttpResponseStatus.NOT_FOUND.equals(status)) {
      metrics.protocolError("bad_websocket");
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (HttpResponseStatus.UPGRADE_REQUIRED.equals(status)) {
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim();
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
    response
        .headers()
        .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key));
    ChannelFuture unused = ctx.writeAndFlush(response); // through the HTTP encoder, still there
    ChannelPipeline pipeline = ctx.pipeline();
    WebSocketCodec codec = new WebSocketCodec(limits);
    pipeline.replace(this, WEBSOCKET, codec);
    pipeline
        .context(codec)
        .fireUserEventTriggered(
            new HandshakeComplete(request.uri(), request.headers().copy(), null));
    pipeline.remove(httpAggregator);
    // Bytes the HTTP decoder holds beyond the request (a client that did not wait for the 101)
    // go on to the codec as the decoder leaves.
    pipeline.remove(httpCodec);
  }

  static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }

  private static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }
}
