package io.herald.client;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one event loop a client runs on: a loop of a group the application shares, or a single-thread
 * NIO group of the client's own, which {@link #close} shuts down. Hands work to the loop from any
 * thread, so the client's state needs no locks.
 */
final class ClientEventLoop {
  private final EventLoopGroup own; // null when the group is shared
  private final EventLoop loop;

  /**
   * @param shared the application's group, of which the client takes one loop; {@code null} for a
   *     group of the client's own
   */
  ClientEventLoop(EventLoopGroup shared) {
    this.own =
        shared != null
            ? null
            : new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("herald-client", true), NioIoHandler.newFactory());
    this.loop = (shared != null ? shared : own).next();
  }

  EventLoop loop() {
    return loop;
  }

  /**
   * Runs {@code work} on the loop (at once when called there) and completes with its result, or
   * fails with what it threw; fails with a {@link HeraldClientException} once the loop is gone.
   */
  <T> CompletableFuture<T> call(Supplier<T> work) {
    if (loop.inEventLoop()) {
      return CompletableFuture.completedFuture(work.get());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      loop.execute(
          () -> {
            try {
              result.complete(work.get());
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new HeraldClientException("client closed"));
    }
    return result;
  }

  /**
   * Runs {@code last} on the loop, waiting up to 5 s for it (unless called on the loop itself, or
   * the loop is already shutting down), then shuts the client's own group down, waiting up to 5 s
   * again off the loop. A shared group is left running.
   */
  void close(Runnable last) {
    if (loop.inEventLoop()) {
      last.run();
    } else if (!loop.isShuttingDown()) {
      try {
        loop.submit(last).await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (own != null) {
      var terminated = own.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      if (!loop.inEventLoop()) {
        terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }
}
