package io.herald.logic.online;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide online counts: every Comet's latest report, read from an {@link OnlineStore} every
 * {@code refreshInterval} and summed in memory, so reads never wait on the store. A report this
 * instance receives can be {@linkplain #apply applied} at once, so a {@code RenewOnline} reply
 * already includes the reporting Comet's new counts.
 *
 * <p>The next refresh starts {@code refreshInterval} after the previous one finished, so refreshes
 * never overlap. A failed refresh keeps the last counts, counts {@code
 * herald.logic.online.refreshes{result=error}} and logs a WARN once per outage. {@link #start()}
 * and {@link #stop()} are idempotent; the constructors do no I/O and start no thread.
 *
 * <p>As in goim, {@link #totals()}'s IP count sums each Comet's distinct IPs, so a client IP with
 * connections on two Comets counts twice.
 */
public final class OnlineCounts implements OnlineView {
  private static final Logger log = LoggerFactory.getLogger(OnlineCounts.class);

  private final OnlineStore store;
  private final long intervalMillis;
  private final ScheduledExecutorService injected;
  private final OnlineTally tally = new OnlineTally();
  private final Counter succeeded;
  private final Counter failed;
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> next;
  private boolean started;
  private boolean stopped;
  private boolean failing;

  /** Refreshes on a daemon thread of its own, created by {@link #start()}. */
  public OnlineCounts(OnlineStore store, Duration refreshInterval, MeterRegistry meters) {
    this(store, refreshInterval, null, meters);
  }

  /** Refreshes on {@code executor}, which the caller owns and shuts down. */
  public OnlineCounts(
      OnlineStore store,
      Duration refreshInterval,
      ScheduledExecutorService executor,
      MeterRegistry meters) {
    this.store = store;
    this.intervalMillis = refreshInterval.toMillis();
    this.injected = executor;
    this.succeeded = refreshes(meters, "ok");
    this.failed = refreshes(meters, "error");
  }

  /** Starts refreshing, the first time at once. */
  public synchronized void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    executor =
        injected != null
            ? injected
            : Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "herald-online-refresh");
                  thread.setDaemon(true);
                  return thread;
                });
    schedule(0);
  }

  /** Stops refreshing; the last counts stay readable. */
  public synchronized void stop() {
    boolean running = started && !stopped;
    stopped = true;
    if (!running) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    if (injected == null) {
      executor.shutdownNow();
    }
  }

  /** Reads every report from the store now and replaces the counts. */
  public CompletableFuture<Void> refresh() {
    long mark = tally.mark();
    return store
        .all()
        .thenAccept(reports -> tally.replace(reports, mark))
        .whenComplete((v, error) -> record(error));
  }

  /**
   * Applies a report this instance just received, without waiting for the next refresh. Ignored if
   * the counts hold a report of that Comet from a newer epoch; returns whether it was applied.
   */
  public boolean apply(ServerOnline report) {
    return tally.apply(report);
  }

  @Override
  public long roomCount(String room) {
    return tally.roomCount(room);
  }

  @Override
  public Map<String, Long> roomCounts() {
    return Map.copyOf(tally.rooms());
  }

  @Override
  public List<RoomCount> top(String type, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    String prefix = type + "://";
    List<RoomCount> rooms = new ArrayList<>();
    tally
        .rooms()
        .forEach(
            (room, count) -> {
              if (room.startsWith(prefix)) {
                rooms.add(new RoomCount(room.substring(prefix.length()), count));
              }
            });
    rooms.sort(
        Comparator.comparingLong(RoomCount::count).reversed().thenComparing(RoomCount::roomId));
    return List.copyOf(rooms.subList(0, Math.min(limit, rooms.size())));
  }

  @Override
  public Map<String, Long> rooms(String type, Collection<String> ids) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String id : ids) {
      counts.put(id, tally.roomCount(type + "://" + id));
    }
    return counts;
  }

  @Override
  public Totals totals() {
    return tally.totals();
  }

  /** Comet id → when the report counted for it was received (Unix ms). */
  public Map<String, Long> reportedAt() {
    return tally.reportedAt();
  }

  @Override
  public Map<String, Totals> servers() {
    return tally.servers();
  }

  private synchronized void schedule(long delayMillis) {
    if (stopped) {
      return;
    }
    try {
      next = executor.schedule(this::refreshThenSchedule, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Online refresh not scheduled: the executor is shut down");
    }
  }

  private void refreshThenSchedule() {
    CompletableFuture<Void> refreshed;
    try {
      refreshed = refresh();
    } catch (RuntimeException e) {
      refreshed = CompletableFuture.failedFuture(e);
      record(e);
    }
    var unused = refreshed.whenComplete((v, error) -> schedule(intervalMillis));
  }

  private synchronized void record(Throwable error) {
    if (error == null) {
      succeeded.increment();
      if (failing) {
        failing = false;
        log.info("Online counts refreshed again");
      }
    } else if (!stopped) {
      failed.increment();
      if (!failing) {
        failing = true;
        log.warn("Could not refresh online counts; keeping the last ones: {}", error.toString());
      } else {
        log.debug("Could not refresh online counts again: {}", error.toString());
      }
    }
  }

  private static Counter refreshes(MeterRegistry meters, String result) {
    return Counter.builder("herald.logic.online.refreshes")
        .tag("result", result)
        .description("Reads of every Comet's online report from the store")
        .register(meters);
  }
}
