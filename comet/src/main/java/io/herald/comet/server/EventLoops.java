package io.herald.comet.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Comet's Netty threads: one boss accepting on every listener and the workers serving the
 * connections, on native epoll where the platform has it (Linux), NIO elsewhere.
 */
final class EventLoops {
  private static final long QUIET_PERIOD_MS = 100;

  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private EventLoops(boolean epoll, EventLoopGroup boss, EventLoopGroup workers) {
    this.epoll = epoll;
    this.boss = boss;
    this.workers = workers;
  }

  /** Starts the threads (lazily, as Netty does: each at its first task). */
  static EventLoops create(int workerThreads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new EventLoops(
        epoll,
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("herald-comet-boss"), io),
        new MultiThreadIoEventLoopGroup(
            workerThreads, new DefaultThreadFactory("herald-comet-worker"), io));
  }

  boolean epoll() {
    return epoll;
  }

  EventLoopGroup boss() {
    return boss;
  }

  EventLoopGroup workers() {
    return workers;
  }

  Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
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
