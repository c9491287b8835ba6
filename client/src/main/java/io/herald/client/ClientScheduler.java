package io.herald.client;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Where the client's timers come from: heartbeats, reply timeouts, reconnect waits. A client uses
 * its event loop; tests pass a manual scheduler and advance time instead of sleeping.
 */
public interface ClientScheduler {

  /** Runs {@code task} once after {@code delay}. */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task that may be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not run; does nothing otherwise. */
    void cancel();
  }

  /** Timers on a Netty executor (the client's event loop). */
  static ClientScheduler of(EventExecutor executor) {
    return (task, delay) -> {
      ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
