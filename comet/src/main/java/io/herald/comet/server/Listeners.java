package io.herald.comet.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client listeners (TCP, WebSocket, WSS, TCP+TLS) and every connection they accepted. Closing
 * the listeners stops accepting and leaves the connections open (a drain), closing the clients ends
 * those too.
 */
final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final EventLoops loops;
  private final String host;
  private final List<Channel> servers = new ArrayList<>();
  private final ChannelGroup clients =
      new DefaultChannelGroup("herald-comet-clients", GlobalEventExecutor.INSTANCE);
  private final ChannelHandler tracker = new Tracker();

  Listeners(EventLoops loops, String host) {
    this.loops = loops;
    this.host = host;
  }

  /**
   * Listens on {@code port} with {@code initializer} building each connection's pipeline.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  void bind(String name, int port, ChannelHandler initializer) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops.boss(), loops.workers())
            .channel(loops.serverChannel())
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .handler(tracker)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(initializer);
    loops.reusePort(bootstrap);
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException(
          "cannot listen for " + name + " on " + host + ":" + port + ": " + bound.cause(),
          bound.cause());
    }
    servers.add(bound.channel());
    log.info(
        "Comet listening for {} on {} ({})",
        name,
        bound.channel().localAddress(),
        loops.transport().label());
  }

  /** Stops accepting connections; those open stay open. Idempotent. */
  void closeListeners() {
    for (Channel server : servers) {
      ChannelFuture unused = server.close();
    }
  }

  /** Open client connections (authenticated or not). */
  int clients() {
    return clients.size();
  }

  /** Stops accepting and closes every client connection, waiting at most {@code timeout}. */
  void close(Duration timeout) {
    closeListeners();
    if (!clients.close().awaitUninterruptibly(timeout.toMillis())) {
      log.warn("{} client connections still closing after {}", clients.size(), timeout);
    }
    for (Channel server : servers) {
      server.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }
  }

  /** On each listener: records every accepted connection, so a stop can close them all. */
  @Sharable
  private final class Tracker extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        clients.add(child);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
