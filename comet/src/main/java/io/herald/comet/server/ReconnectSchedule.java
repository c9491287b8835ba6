package io.herald.comet.server;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.Notices;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Tells every client of a draining Comet to reconnect elsewhere (op 21), spread evenly over a
 * window so they do not all come back to the cluster at once: every {@code tick} the next batch of
 * the connections open when draining began gets its notice. Once they all have one, each tick also
 * notifies connections that authenticated since (their AUTH was under way when the listeners
 * closed) and those whose outbound queue was full, until {@link #cancel()}.
 *
 * <p>All state is touched on the schedule's task only, which never runs concurrently with itself.
 */
final class ReconnectSchedule {
  static final Duration TICK = Duration.ofMillis(100);

  private final Buckets buckets;
  private final Function<Connection, String> body;
  private final Duration window;
  private final Counter sent;
  private final Set<Connection> notified = Collections.newSetFromMap(new IdentityHashMap<>());
  private Queue<Connection> pending;
  private int perTick;
  private ScheduledFuture<?> task;

  /**
   * @param body the RECONNECT body for a connection
   * @param window how long the first notices to the last take
   * @param sent counts the notices
   */
  ReconnectSchedule(
      Buckets buckets, Function<Connection, String> body, Duration window, Counter sent) {
    this.buckets = buckets;
    this.body = body;
    this.window = window;
    this.sent = sent;
  }

  /** Sends the first batch at once and the others every {@link #TICK}. */
  synchronized void start(ScheduledExecutorService scheduler) {
    long tick = TICK.toMillis();
    task = scheduler.scheduleAtFixedRate(this::tick, 0, tick, TimeUnit.MILLISECONDS);
  }

  /** Sends no more notices. */
  synchronized void cancel() {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** One batch; what the schedule runs every tick. */
  void tick() {
    if (pending == null) {
      pending = new ArrayDeque<>();
      buckets.forEachConnection(pending::add);
      long ticks = Math.max(1, window.toMillis() / TICK.toMillis());
      perTick = (int) Math.max(1, (pending.size() + ticks - 1) / ticks);
    }
    for (int i = 0; i < perTick && !pending.isEmpty(); i++) {
      tell(pending.poll());
    }
    if (pending.isEmpty()) {
      buckets.forEachConnection(this::tell);
    }
  }

  /**
   * Sends {@code connection} its notice unless it had one. One whose outbound queue is full is
   * tried again at the next ticks, until it drains or is closed.
   */
  private void tell(Connection connection) {
    if (notified.contains(connection)) {
      return;
    }
    if (Notices.reconnect(connection, body.apply(connection))) {
      notified.add(connection);
      sent.increment();
    } else if (!connection.channel().isActive()) {
      notified.add(connection);
    }
  }
}
