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
 * Where the IM layer's blocking database calls run: bounded pools of their own, never an event loop
 * or a gRPC thread that serves the Comets. Writes (sends, read cursors, group changes) have as many
 * threads as the database pool has connections; reads (conversation lists, history pages) at most
 * half of them, in a pool of their own — so a crowd of read fan-out members pulling a busy group
 * can hold at most half the connections and never queues ahead of a send. Each pool takes at most
 * {@code queue} waiting calls; a call a pool cannot take fails at once with {@link
 * RejectedExecutionException} (the request answers UNAVAILABLE) instead of piling up. Threads are
 * made on first use, and end after a minute idle.
 */
final class StoreCalls implements AutoCloseable {
  private final ThreadPoolExecutor writes;
  private final ThreadPoolExecutor reads;

  StoreCalls(int threads, int queue) {
    this.writes = pool("herald-im-store-", threads, queue);
    this.reads = pool("herald-im-read-", Math.max(1, threads / 2), queue);
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, name + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), factory);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Runs a write {@code call}; a full pool fails the future at once. */
  <T> CompletableFuture<T> run(Supplier<T> call) {
    return submit(writes, call);
  }

  /** Runs a read-only {@code call} (a list, a history page) on the readers' pool. */
  <T> CompletableFuture<T> read(Supplier<T> call) {
    return submit(reads, call);
  }

  private static <T> CompletableFuture<T> submit(ThreadPoolExecutor executor, Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Takes no more calls; waits up to {@code grace} for those running. */
  void close(Duration grace) {
    writes.shutdown();
    reads.shutdown();
    try {
      long deadline = System.nanoTime() + grace.toNanos();
      writes.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
      reads.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
