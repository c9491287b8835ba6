package io.herald.comet.push;

import io.herald.comet.push.WriteMetrics.DropReason;
import io.herald.comet.push.WriteMetrics.Kind;
import io.herald.comet.session.Connection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broadcast written to a snapshot of connections at {@code speed} connections per second: in
 * chunks of a tenth of a second's worth (at least one connection), each scheduled one chunk's time
 * after the previous, the first at once. It owns its payload until the last chunk, and is
 * independent of every other broadcast: a later one neither cancels nor delays it. If the scheduler
 * refuses the next chunk (it shut down: the Comet is stopping), the rest is dropped and counted as
 * {@code reason=stopped}.
 */
final class PacedBroadcast implements Runnable {
  /** How many chunks a second's worth of connections is cut into. */
  static final int CHUNKS_PER_SECOND = 10;

  private static final Logger logger = LoggerFactory.getLogger(PacedBroadcast.class);

  private final List<Connection> recipients;
  private final SharedPayload payload;
  private final OutboundWriter writer;
  private final WriteMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final int chunk;
  private final long periodNanos;
  private int next;

  PacedBroadcast(
      List<Connection> recipients,
      SharedPayload payload,
      OutboundWriter writer,
      WriteMetrics metrics,
      ScheduledExecutorService scheduler,
      int speed) {
    if (speed <= 0) {
      throw new IllegalArgumentException("speed: " + speed + " (expected: > 0)");
    }
    this.recipients = recipients;
    this.payload = payload;
    this.writer = writer;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.chunk = Math.max(1, speed / CHUNKS_PER_SECOND);
    this.periodNanos = TimeUnit.SECONDS.toNanos(chunk) / speed;
  }

  /** Writes the next chunk and schedules the one after; call once to start. */
  @Override
  public void run() {
    try {
      int end = Math.min(next + chunk, recipients.size());
      for (; next < end; next++) {
        writer.write(recipients.get(next), payload, Kind.BROADCAST);
      }
      if (next < recipients.size()) {
        ScheduledFuture<?> unused = scheduler.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
        return;
      }
    } catch (RejectedExecutionException e) {
      metrics.dropped(DropReason.STOPPED, (long) (recipients.size() - next) * payload.frameCount());
    } catch (RuntimeException e) {
      logger.warn("Broadcast stopped after {} of {} connections", next, recipients.size(), e);
    }
    payload.release();
  }
}
