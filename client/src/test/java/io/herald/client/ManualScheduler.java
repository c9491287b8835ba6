package io.herald.client;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** Timers that fire only when the test advances time; tasks run on the test's thread. */
final class ManualScheduler implements ClientScheduler {
  private record Task(long due, long order, Runnable task, AtomicBoolean cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) ->
              a.due() != b.due()
                  ? Long.compare(a.due(), b.due())
                  : Long.compare(a.order(), b.order()));
  private long now;
  private long order;

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    AtomicBoolean cancelled = new AtomicBoolean();
    tasks.add(new Task(now + delay.toNanos(), order++, task, cancelled));
    return () -> cancelled.set(true);
  }

  /** Moves time forward by {@code step}, running every task that falls due, in order. */
  void advance(Duration step) {
    long until = now + step.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due() > until) {
          now = until;
          return;
        }
        tasks.poll();
        now = next.due();
      }
      if (!next.cancelled().get()) {
        next.task().run();
      }
    }
  }

  /** Tasks scheduled and not yet run or cancelled. */
  synchronized long pending() {
    return tasks.stream().filter(t -> !t.cancelled().get()).count();
  }

  synchronized long nanoTime() {
    return now;
  }
}
