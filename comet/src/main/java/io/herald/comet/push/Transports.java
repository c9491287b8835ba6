package io.herald.comet.push;

import io.herald.wire.codec.WebSocketFrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * Which transport a connection's channel carries, where the bytes written differ: an op-9 batch is
 * its body alone on TCP (the inner frames arrive as ordinary frames, as goim writes them) and the
 * whole op-9 frame in one message on WebSocket. A WebSocket channel is one whose pipeline holds the
 * wire module's {@link WebSocketFrameCodec} or a Netty {@link WebSocketFrameEncoder}. The answer is
 * cached on the channel: a connection exists only once AUTH succeeded, when its pipeline is
 * complete.
 */
final class Transports {
  private static final AttributeKey<Boolean> WEBSOCKET =
      AttributeKey.valueOf("herald.push.websocket");

  private Transports() {}

  static boolean isWebSocket(Channel channel) {
    Attribute<Boolean> cached = channel.attr(WEBSOCKET);
    Boolean webSocket = cached.get();
    if (webSocket == null) {
      ChannelPipeline pipeline = channel.pipeline();
      webSocket =
          pipeline.get(WebSocketFrameCodec.class) != null
              || pipeline.get(WebSocketFrameEncoder.class) != null;
      cached.set(webSocket);
    }
    return webSocket;
  }
}
