package io.herald.logic.im;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where the IM layer's blocking database calls run: a bounded pool of its own (as many threads as
 * the database pool has connections, and at most {@code queue} calls waiting), never an event loop
 * or a gRPC thread that serves the Comets. A call the pool cannot take fails at once with {@link
 * RejectedExecutionException} (the request answers UNAVAILABLE) instead of piling up. Threads are
 * made on first use, and end after a minute idle.
 */
final class StoreCalls implements AutoCloseable {
  private final ThreadPoolExecutor executor;

  StoreCalls(int threads, int queue) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, "herald-im-store-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    this.executor =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), factory);
    executor.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code call} on the pool; a full pool fails the future at once. */
  <T> CompletableFuture<T> run(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Takes no more calls; waits up to {@code grace} for those running. */
  void close(Duration grace) {
    executor.shutdown();
    try {
      executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
