package io.herald.comet.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The silence deadlines of one event loop's authenticated connections, checked by one task for the
 * whole loop instead of a timer per connection (which costs a connection a scheduled task and a
 * lambda, about 90 bytes). The connections form a list through their handlers' own fields.
 *
 * <p>The task runs at the earliest deadline of the list, but at most once per {@value
 * #MIN_GAP_MILLIS} ms: each run walks the whole list, closes the connections past their deadline
 * and reschedules itself. So a silent connection is closed within {@value #MIN_GAP_MILLIS} ms of
 * its deadline. A sweep whose last connection leaves cancels its task and drops out of its {@link
 * ClientListener}. Confined to its event loop.
 */
final class SilenceSweep implements Runnable {
  static final long MIN_GAP_MILLIS = 1000;
  private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MILLIS);

  private final EventExecutor loop;
  private final Consumer<SilenceSweep> onEmpty;
  private ConnectionHandler first;
  private ScheduledFuture<?> scheduled;
  private long scheduledAt;

  /**
   * @param onEmpty called when the last connection leaves
   */
  SilenceSweep(EventExecutor loop, Consumer<SilenceSweep> onEmpty) {
    this.loop = loop;
    this.onEmpty = onEmpty;
  }

  EventExecutor loop() {
    return loop;
  }

  /** Starts watching {@code handler}'s deadline. */
  void add(ConnectionHandler handler) {
    if (watches(handler)) {
      return;
    }
    handler.sweepNext = first;
    if (first != null) {
      first.sweepPrev = handler;
    }
    first = handler;
    long deadline = handler.deadline();
    if (scheduled == null || deadline - scheduledAt < 0) {
      schedule(deadline, now());
    }
  }

  /** Stops watching {@code handler}; idempotent. */
  void remove(ConnectionHandler handler) {
    if (!watches(handler)) {
      return;
    }
    ConnectionHandler prev = handler.sweepPrev;
    ConnectionHandler next = handler.sweepNext;
    if (prev == null) {
      first = next;
    } else {
      prev.sweepNext = next;
    }
    if (next != null) {
      next.sweepPrev = prev;
    }
    handler.sweepPrev = null;
    handler.sweepNext = null;
    if (first == null) {
      cancel();
      onEmpty.accept(this);
    }
  }

  private boolean watches(ConnectionHandler handler) {
    return handler.sweepPrev != null || first == handler;
  }

  @Override
  public void run() {
    scheduled = null;
    long now = now();
    long earliest = 0;
    boolean any = false;
    for (ConnectionHandler handler = first; handler != null; ) {
      ConnectionHandler next = handler.sweepNext;
      long deadline = handler.deadline();
      if (deadline - now <= 0) {
        remove(handler);
        handler.silenced(now);
      } else if (!any || deadline - earliest < 0) {
        earliest = deadline;
        any = true;
      }
      handler = next;
    }
    if (first != null && scheduled == null && any) {
      schedule(Math.max(earliest - now, MIN_GAP_NANOS) + now, now);
    }
  }

  private void schedule(long at, long now) {
    cancel();
    scheduledAt = at;
    scheduled = loop.schedule(this, Math.max(0, at - now), TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (scheduled != null) {
      scheduled.cancel(false);
      scheduled = null;
    }
  }

  private long now() {
    return loop.ticker().nanoTime();
  }
}
