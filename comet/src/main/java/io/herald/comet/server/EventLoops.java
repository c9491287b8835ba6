package io.herald.comet.server;

import io.herald.comet.config.Transport;
import io.herald.config.ConfigException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Comet's Netty threads: one boss accepting on every listener and the workers serving the
 * connections, on the transport {@code listen.transport} names ({@link #resolve}).
 */
final class EventLoops {
  private static final Logger log = LoggerFactory.getLogger(EventLoops.class);
  private static final long QUIET_PERIOD_MS = 100;

  private final Transport transport;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private EventLoops(Transport transport, EventLoopGroup boss, EventLoopGroup workers) {
    this.transport = transport;
    this.boss = boss;
    this.workers = workers;
  }

  /**
   * Starts the threads (lazily, as Netty does: each at its first task) on {@code configured}
   * resolved by {@link #resolve}.
   *
   * @throws ConfigException if {@code configured} names a transport this platform lacks
   */
  static EventLoops create(Transport configured, int workerThreads) {
    Transport transport = resolve(configured);
    log.info(
        "Comet network transport: {} (listen.transport: {}), {} worker threads",
        transport.label(),
        configured.label(),
        workerThreads);
    IoHandlerFactory io =
        switch (transport) {
          case IO_URING -> IoUringIoHandler.newFactory();
          case EPOLL -> EpollIoHandler.newFactory();
          default -> NioIoHandler.newFactory();
        };
    return new EventLoops(
        transport,
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("herald-comet-boss"), io),
        new MultiThreadIoEventLoopGroup(
            workerThreads, new DefaultThreadFactory("herald-comet-worker"), io));
  }

  /**
   * The transport to run: {@code auto} is epoll where available, else NIO; an explicit choice
   * (io_uring, epoll, nio) must be available.
   *
   * @throws ConfigException naming the key, the choice and why the platform cannot give it
   */
  static Transport resolve(Transport configured) {
    return switch (configured) {
      // Not io_uring: on Netty 4.2.18 it cost 1.7-2.2x epoll's CPU per delivery in the room fan-out
      // (docs/benchmarks.md), its completions' handling outweighing the syscalls it saves.
      case AUTO -> Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
      case IO_URING -> available(configured, IoUring.isAvailable(), IoUring.unavailabilityCause());
      case EPOLL -> available(configured, Epoll.isAvailable(), Epoll.unavailabilityCause());
      case NIO -> Transport.NIO;
    };
  }

  /**
   * {@code transport} if {@code available}, else a {@link ConfigException} naming {@code cause}.
   */
  static Transport available(Transport transport, boolean available, Throwable cause) {
    if (!available) {
      throw new ConfigException(
          "listen.transport: "
              + transport.label()
              + " is not available on this machine ("
              + cause
              + "); use auto, or nio",
          cause);
    }
    return transport;
  }

  /** The transport in use: io_uring, epoll or nio, never auto. */
  Transport transport() {
    return transport;
  }

  EventLoopGroup boss() {
    return boss;
  }

  EventLoopGroup workers() {
    return workers;
  }

  Class<? extends ServerChannel> serverChannel() {
    return switch (transport) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      default -> NioServerSocketChannel.class;
    };
  }

  /**
   * Lets several processes listen on one port (load runs; the kernel spreads the connections), on
   * the native transports, each through its own option.
   */
  void reusePort(ServerBootstrap bootstrap) {
    switch (transport) {
      case IO_URING -> bootstrap.option(IoUringChannelOption.SO_REUSEPORT, true);
      case EPOLL -> bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
      default -> {}
    }
  }

  /**
   * Shuts both groups down: tasks keep running until none was submitted for a short quiet period
   * ({@value #QUIET_PERIOD_MS} ms, less if {@code timeout} is shorter), and whatever is left after
   * {@code timeout} is abandoned. Waits for both.
   */
  void shutdown(Duration timeout) {
    long timeoutMs = Math.max(1, timeout.toMillis());
    long quietMs = Math.min(QUIET_PERIOD_MS, timeoutMs);
    Future<?> bossDone = boss.shutdownGracefully(quietMs, timeoutMs, TimeUnit.MILLISECONDS);
    Future<?> workersDone = workers.shutdownGracefully(quietMs, timeoutMs, TimeUnit.MILLISECONDS);
    bossDone.awaitUninterruptibly(timeoutMs + 1000);
    workersDone.awaitUninterruptibly(timeoutMs + 1000);
  }
}
