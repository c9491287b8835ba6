package io.herald.comet.transport;

import io.herald.comet.proxy.ClientAddress;
import io.herald.wire.ProtocolException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What closes a client connection when something goes wrong on it: that connection and nothing
 * else. The {@link ClientFrameHandler} at the end of every client pipeline hands it every
 * exception. On a WebSocket, the close frame says why ({@link WebSocketCodec#closeStatusOf}: 1002
 * for a broken WebSocket frame, 1009 for a message over the limit, 1003 for a text message, 1008
 * for any other protocol error, 1011 for a bug here).
 *
 * <ul>
 *   <li>a {@link ProtocolException} (oversized frame, bad header, bad checksum, text message, ...)
 *       is logged at DEBUG with the peer and the reason and counted in {@code
 *       herald.comet.protocol.errors{reason=<tag>}}; a broken TLS handshake or WebSocket frame
 *       likewise, as {@code tls} / {@code bad_websocket} ({@code frame_too_large} for a WebSocket
 *       message over the limit);
 *   <li>an {@link IOException} (connection reset, broken pipe), or a {@link
 *       PrematureChannelClosureException} (it closed in the middle of its upgrade request), is the
 *       peer leaving: DEBUG;
 *   <li>anything else is a bug here: WARN with the stack trace.
 * </ul>
 *
 * Stateless: one per initializer.
 */
final class ProtocolErrors {
  private static final Logger log = LoggerFactory.getLogger(ProtocolErrors.class);

  private final TransportMetrics metrics;

  ProtocolErrors(TransportMetrics metrics) {
    this.metrics = metrics;
  }

  /** Logs and counts {@code cause}, then closes the channel of {@code ctx}. */
  void closeOn(ChannelHandlerContext ctx, Throwable cause) {
    String reason = protocolReason(cause);
    if (reason != null) {
      metrics.protocolError(reason);
      if (log.isDebugEnabled()) {
        log.debug(
            "Closing {}: protocol error {}: {}",
            ClientAddress.ip(ctx.channel()),
            reason,
            cause.getMessage());
      }
    } else if (find(cause, IOException.class) != null
        || find(cause, PrematureChannelClosureException.class) != null) {
      log.debug("Closing {}: {}", ClientAddress.ip(ctx.channel()), cause.toString());
    } else {
      log.warn("Closing {} after an unexpected error", ClientAddress.ip(ctx.channel()), cause);
    }
    WebSocketCodec.closeWith(ctx.pipeline(), WebSocketCodec.closeStatusOf(cause));
    ChannelFuture unused = ctx.close();
  }

  /** The metric tag of a client's protocol error, or {@code null} if {@code cause} is none. */
  static String protocolReason(Throwable cause) {
    ProtocolException protocol = find(cause, ProtocolException.class);
    if (protocol != null) {
      return protocol.error().tag();
    }
    CorruptedWebSocketFrameException websocket =
        find(cause, CorruptedWebSocketFrameException.class);
    if (websocket != null) {
      return WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(websocket.closeStatus())
          ? "frame_too_large"
          : "bad_websocket";
    }
    if (find(cause, SSLException.class) != null) { // NotSslRecordException included
      return "tls";
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
    Throwable t = cause;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
