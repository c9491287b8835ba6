package io.herald.comet.logic;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.proto.logic.v1.HeldSession;
import io.herald.proto.logic.v1.RestoreSessionsRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-announces every connection's session to Logic when Logic may have lost them, so that its
 * clients are reachable again within seconds instead of at their next session renewal (minutes):
 *
 * <ul>
 *   <li>Logic's session store lost its contents: an online report answers a new {@code
 *       store_incarnation} ({@link #incarnation}), or a Logic asks outright ({@link #requested});
 *   <li>this Comet's registry record was found gone ({@link #recordLost}): Logic purges the
 *       sessions of a Comet that leaves the registry, so they are re-announced at once and once
 *       more after {@code settle}, when every Logic has seen the record back.
 * </ul>
 *
 * <p>A pass sends {@code RestoreSessions} in batches of {@value #BATCH}, one at a time, at most
 * {@value #PER_SECOND} sessions a second, and first sends an online report so the room index and
 * the counts come back too. Logic recreates a missing session and leaves one that another
 * connection of the device holds now. A failed batch is retried {@value #ATTEMPTS} times, a second
 * apart, then skipped (its connections' own renewals recreate them later). A new trigger during a
 * pass starts the pass over. Counts {@code herald.comet.sessions.resyncs{reason}} and {@code
 * herald.comet.sessions.reannounced}.
 */
public final class SessionResync {
  private static final Logger log = LoggerFactory.getLogger(SessionResync.class);

  static final int BATCH = 500;
  static final int PER_SECOND = 10_000;
  static final int ATTEMPTS = 3;

  private final LogicClient logic;
  private final Buckets buckets;
  private final CometInstance self;
  private final Runnable reportRooms;
  private final Duration settle;
  private final ScheduledExecutorService scheduler;
  private final MeterRegistry meters;
  private final Counter reannounced;
  private String incarnation = "";
  private long generation;

  /**
   * @param reportRooms sends an online report now (the rooms and counts)
   * @param settle how long after a lost registry record the second pass runs
   * @param scheduler runs the passes; owned by the caller
   */
  public SessionResync(
      LogicClient logic,
      Buckets buckets,
      CometInstance self,
      Runnable reportRooms,
      Duration settle,
      ScheduledExecutorService scheduler,
      MeterRegistry meters) {
    this.logic = logic;
    this.buckets = buckets;
    this.self = self;
    this.reportRooms = reportRooms;
    this.settle = settle;
    this.scheduler = scheduler;
    this.meters = meters;
    this.reannounced =
        Counter.builder("herald.comet.sessions.reannounced")
            .description("Sessions re-announced to Logic after it may have lost them")
            .register(meters);
  }

  /** The session store's incarnation, as an online report answered it. */
  public void incarnation(String seen) {
    if (seen.isEmpty()) {
      return;
    }
    boolean changed;
    synchronized (this) {
      changed = !incarnation.isEmpty() && !incarnation.equals(seen);
      incarnation = seen;
    }
    if (changed) {
      start("store_reset");
    }
  }

  /**
   * A Logic found the session store emptied ({@code Comet.Resync}): re-announces unless this
   * incarnation was handled already. Returns the connections held.
   */
  public long requested(String seen) {
    boolean handled;
    synchronized (this) {
      handled = !seen.isEmpty() && incarnation.equals(seen);
      if (!seen.isEmpty()) {
        incarnation = seen;
      }
    }
    if (!handled) {
      start("requested");
    }
    return buckets.size();
  }

  /** This Comet's registry record was found gone (and is being written again). */
  public void recordLost() {
    start("record_lost");
    schedule(() -> start("record_lost_settle"), settle.toMillis());
  }

  private void start(String reason) {
    List<Connection> connections = new ArrayList<>(buckets.size());
    buckets.forEachConnection(connections::add);
    long pass;
    synchronized (this) {
      pass = ++generation;
    }
    Counter.builder("herald.comet.sessions.resyncs")
        .tag("reason", reason)
        .description("Passes re-announcing every session to Logic, by what started them")
        .register(meters)
        .increment();
    log.info(
        "Re-announcing the sessions of {} connections of {} to Logic ({})",
        connections.size(),
        self.serverId(),
        reason.replace('_', ' ').toLowerCase(Locale.ROOT));
    schedule(
        () -> {
          reportRooms.run();
          batch(pass, connections, 0, 1);
        },
        0);
  }

  /** Sends the batch starting at {@code from}, then schedules the next. */
  private void batch(long pass, List<Connection> connections, int from, int attempt) {
    synchronized (this) {
      if (pass != generation) {
        return; // a newer pass covers every connection
      }
    }
    if (from >= connections.size()) {
      log.info(
          "Re-announced the sessions of {} connections of {}", connections.size(), self.serverId());
      return;
    }
    int to = Math.min(from + BATCH, connections.size());
    RestoreSessionsRequest.Builder request =
        RestoreSessionsRequest.newBuilder()
            .setServerId(self.serverId())
            .setServerEpoch(self.epoch());
    for (Connection connection : connections.subList(from, to)) {
      if (buckets.get(connection.key()) == connection) {
        request.addSessions(
            HeldSession.newBuilder()
                .setMid(connection.mid())
                .setKey(connection.key())
                .setConnId(connection.id())
                .setPlatform(connection.platform()));
      }
    }
    long pause = TimeUnit.SECONDS.toMillis(to - from) / PER_SECOND;
    var unused =
        restore(request.build())
            .whenComplete(
                (response, error) -> {
                  if (error == null) {
                    reannounced.increment(request.getSessionsCount());
                    schedule(() -> batch(pass, connections, to, 1), pause);
                  } else if (attempt < ATTEMPTS) {
                    log.debug("Re-announcing sessions failed; retrying: {}", error.toString());
                    schedule(() -> batch(pass, connections, from, attempt + 1), 1_000);
                  } else {
                    log.warn(
                        "Could not re-announce {} sessions of {} to Logic; their own renewals"
                            + " restore them: {}",
                        to - from,
                        self.serverId(),
                        error.toString());
                    schedule(() -> batch(pass, connections, to, 1), pause);
                  }
                });
  }

  private CompletableFuture<?> restore(RestoreSessionsRequest request) {
    if (request.getSessionsCount() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return logic.restoreSessions(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      var unused = scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Not re-announcing sessions: the Comet is stopping");
    }
  }
}
