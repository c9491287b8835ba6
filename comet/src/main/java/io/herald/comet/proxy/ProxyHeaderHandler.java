package io.herald.comet.proxy;

import io.herald.comet.proxy.ProxyHeaderDecoder.NoProxyHeaderException;
import io.herald.comet.proxy.ProxyHeaders.Result;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.AddressFamily;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a new connection back until its PROXY header arrives: the connection's {@code
 * channelActive} goes no further (so the connection limiter, the handshake and the gauges have not
 * seen it yet), and a timer runs. Then:
 *
 * <ul>
 *   <li>a header: a PROXY command with an IPv4/IPv6 source records that address as the client's
 *       ({@link ClientAddress}); LOCAL and other families keep the socket's. This handler leaves
 *       the pipeline and passes the held {@code channelActive} on, so the connection limiter admits
 *       the connection by the client's address; Netty's decoder, in front, then hands on the bytes
 *       that came after the header (a TLS hello, an HTTP upgrade, an AUTH frame);
 *   <li>no PROXY signature, a malformed header or none in time: the connection is closed, logged at
 *       debug and counted by reason; bytes that still arrive are dropped here.
 * </ul>
 *
 * Not sharable: one per connection, gone after the header.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProxyHeaderHandler.class);

  private final ProxyHeaders shared;
  private Future<?> timeout;

  /** Whether the header was dealt with (accepted or refused). */
  private boolean done;

  ProxyHeaderHandler(ProxyHeaders shared) {
    this.shared = shared;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) { // an accepted connection is active before its pipeline is built
      startTimeout(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startTimeout(ctx); // and hold channelActive back until the header is in
  }

  private void startTimeout(ChannelHandlerContext ctx) {
    if (timeout == null && !done) {
      timeout =
          ctx.executor().schedule(() -> timedOut(ctx), shared.timeoutNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HAProxyMessage header && !done) {
      try {
        accept(ctx, header);
      } finally {
        header.release();
      }
    } else {
      // Bytes that follow a refused header (Netty's decoder hands on what it holds as it leaves).
      ReferenceCountUtil.release(msg);
    }
  }

  private void accept(ChannelHandlerContext ctx, HAProxyMessage header) {
    done = true;
    cancelTimeout();
    Result result = result(header);
    if (result == Result.PROXIED) {
      InetAddress declared = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
      ClientAddress.declare(ctx.channel(), declared);
      if (log.isDebugEnabled()) {
        log.debug(
            "{}: PROXY {} declares client {}",
            ctx.channel(),
            header.protocolVersion(),
            new InetSocketAddress(declared, header.sourcePort()));
      }
    } else {
      log.debug(
          "{}: PROXY {} {}, keeping the socket's address",
          ctx.channel(),
          header.protocolVersion(),
          header.command());
    }
    shared.count(result);
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  static Result result(HAProxyMessage header) {
    if (header.command() == HAProxyCommand.LOCAL) {
      return Result.LOCAL;
    }
    AddressFamily family = header.proxiedProtocol().addressFamily();
    return family == AddressFamily.AF_IPv4 || family == AddressFamily.AF_IPv6
        ? Result.PROXIED
        : Result.UNKNOWN;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Result refused = refusal(cause);
    if (done || refused == null) {
      ctx.fireExceptionCaught(cause); // an I/O error: the pipeline's terminal handler's to log
      return;
    }
    refuse(ctx, refused, cause.getMessage());
  }

  /** The reason {@code cause} refuses a header, or {@code null} when it is no header's fault. */
  static Result refusal(Throwable cause) {
    if (cause instanceof NoProxyHeaderException) {
      return Result.MISSING;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof HAProxyProtocolException) {
        return Result.MALFORMED;
      }
    }
    return null;
  }

  private void timedOut(ChannelHandlerContext ctx) {
    timeout = null;
    if (!done && ctx.channel().isActive()) {
      refuse(
          ctx,
          Result.TIMEOUT,
          "none within " + TimeUnit.NANOSECONDS.toMillis(shared.timeoutNanos()) + " ms");
    }
  }

  private void refuse(ChannelHandlerContext ctx, Result result, String why) {
    done = true;
    cancelTimeout();
    shared.count(result);
    log.debug("Closing {}: PROXY header {}: {}", ctx.channel(), result.tag, why);
    ChannelFuture unused = ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimeout();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }
}
