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

/**
 * One drain under way: the RECONNECT notices, spread over the first half of the grace period so the
 * clients that leave early have the second half to settle elsewhere, and what happens at its
 * deadline.
 */
final class Drain {
  private final DrainStatus status;
  private final ReconnectSchedule reconnects;
  private final ScheduledFuture<?> deadline;

  private Drain(DrainStatus status, ReconnectSchedule reconnects, ScheduledFuture<?> deadline) {
    this.status = status;
    this.reconnects = reconnects;
    this.deadline = deadline;
  }

  /**
   * Starts notifying the clients in {@code buckets} and schedules {@code atDeadline} at the end of
   * {@code grace}.
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
    ScheduledFuture<?> deadline =
        scheduler.schedule(atDeadline, grace.toMillis(), TimeUnit.MILLISECONDS);
    return new Drain(status, reconnects, deadline);
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
  }
}
