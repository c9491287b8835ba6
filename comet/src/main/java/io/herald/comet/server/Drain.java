package io.herald.comet.server;

import io.herald.comet.grpc.DrainStatus;
import io.herald.comet.session.Buckets;
import io.herald.proto.common.v1.NodeAddress;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One drain under way: the RECONNECT notices, spread over the first half of the grace period so the
 * clients that leave early have the second half to settle elsewhere, and what happens at its
 * deadline — or as soon as no client is left, which is checked every {@link #EMPTY_CHECK} (an idle
 * Comet stops at once instead of waiting out its grace).
 */
final class Drain {
  /** How often a drain looks whether every client has left. */
  static final Duration EMPTY_CHECK = Duration.ofMillis(200);

  private final DrainStatus status;
  private final ReconnectSchedule reconnects;
  private final Runnable atDeadline;
  private final AtomicBoolean ended = new AtomicBoolean();
  private ScheduledFuture<?> deadline;
  private ScheduledFuture<?> emptyCheck;

  private Drain(DrainStatus status, ReconnectSchedule reconnects, Runnable atDeadline) {
    this.status = status;
    this.reconnects = reconnects;
    this.atDeadline = atDeadline;
  }

  /**
   * Starts notifying the clients in {@code buckets} and schedules {@code atDeadline} at the end of
   * {@code grace}, or once {@code buckets} holds no connection, whichever comes first; it runs
   * once.
   *
   * @param notices counts the RECONNECT notices sent
   */
  static Drain start(
      Buckets buckets,
      List<NodeAddress> hints,
      Instant now,
      Duration grace,
      ScheduledExecutorService scheduler,
      Counter notices,
      Runnable atDeadline) {
    DrainStatus status = new DrainStatus(buckets.size(), now.plus(grace), false);
    ReconnectHints bodies = new ReconnectHints(hints);
    ReconnectSchedule reconnects =
        new ReconnectSchedule(
            buckets,
            connection -> bodies.body(connection.transport()),
            grace.dividedBy(2),
            notices);
    reconnects.start(scheduler);
    Drain drain = new Drain(status, reconnects, atDeadline);
    drain.deadline = scheduler.schedule(drain::end, grace.toMillis(), TimeUnit.MILLISECONDS);
    long check = EMPTY_CHECK.toMillis();
    drain.emptyCheck =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (buckets.size() == 0) {
                drain.end();
              }
            },
            check,
            check,
            TimeUnit.MILLISECONDS);
    return drain;
  }

  /** The deadline, or every client gone: runs {@code atDeadline} once. */
  private void end() {
    if (ended.compareAndSet(false, true)) {
      cancel();
      atDeadline.run();
    }
  }

  /** As the drain stood when it started. */
  DrainStatus status() {
    return status;
  }

  /** As a later request to drain sees it: the same deadline, already draining. */
  DrainStatus again() {
    return new DrainStatus(status.connections(), status.deadline(), true);
  }

  /** Sends no more notices and drops the deadline (the server is stopping anyway). */
  void cancel() {
    reconnects.cancel();
    deadline.cancel(false);
    emptyCheck.cancel(false);
  }
}
