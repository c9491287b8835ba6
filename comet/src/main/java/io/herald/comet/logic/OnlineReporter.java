package io.herald.comet.logic;

import io.herald.comet.proxy.ClientAddress;
import io.herald.comet.session.Buckets;
import io.herald.config.Durations;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this Comet's rooms to Logic every {@code interval} ({@code RenewOnline}: members per
 * room, connections, distinct client IPs) and stores the cluster-wide counts Logic answers in each
 * room here, where heartbeat replies read them. A room Logic does not count yet falls back to its
 * own members here. Each reply's session store incarnation goes to a listener ({@link
 * SessionResync}), which re-announces the sessions when the store lost them.
 *
 * <p>At most one report is in flight: a tick that finds the previous one unanswered is skipped. A
 * failed report is counted in {@code herald.comet.online.reports{result=error}}; the first failure
 * of an outage logs a WARN, the next ones DEBUG, the first success after them an INFO. Rooms keep
 * the last counts meanwhile.
 */
public final class OnlineReporter {
  private static final Logger log = LoggerFactory.getLogger(OnlineReporter.class);

  private final LogicClient logic;
  private final Buckets buckets;
  private final CometInstance self;
  private final Duration interval;
  private final Consumer<String> incarnations;
  private final ScheduledExecutorService injectedScheduler;
  private final Counter reported;
  private final Counter failed;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> task;
  private boolean started;
  private boolean stopped;

  /**
   * @param incarnations told the session store's incarnation each reply carries
   * @param scheduler runs the reports; owned by the caller. {@code null}: a daemon thread of its
   *     own, started by {@link #start()} and ended by {@link #stop()}
   */
  public OnlineReporter(
      LogicClient logic,
      Buckets buckets,
      CometInstance self,
      Duration interval,
      Consumer<String> incarnations,
      ScheduledExecutorService scheduler,
      MeterRegistry meters) {
    this.logic = logic;
    this.buckets = buckets;
    this.self = self;
    this.interval = interval;
    this.incarnations = incarnations;
    this.injectedScheduler = scheduler;
    this.reported = reports(meters, "ok");
    this.failed = reports(meters, "error");
  }

  /** Schedules the reports, the first one an interval from now. Idempotent; not after a stop. */
  public synchronized void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    scheduler =
        injectedScheduler != null
            ? injectedScheduler
            : Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "herald-comet-online-report");
                  thread.setDaemon(true);
                  return thread;
                });
    long period = interval.toMillis();
    task = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  /** Stops reporting; a report in flight still updates the rooms. Idempotent. */
  public synchronized void stop() {
    if (stopped || !started) {
      stopped = true;
      return;
    }
    stopped = true;
    task.cancel(false);
    if (scheduler != injectedScheduler) {
      scheduler.shutdown();
    }
  }

  private void tick() {
    if (!inFlight.compareAndSet(false, true)) {
      log.debug("Online report of {} still unanswered; skipping this one", self.serverId());
      return;
    }
    var unused = report().whenComplete((ignored, error) -> inFlight.set(false));
  }

  /**
   * Sends one report now and applies the reply.
   *
   * @return completes when the rooms are updated; fails with Logic's error (also counted and
   *     logged)
   */
  public CompletableFuture<Void> report() {
    CompletableFuture<RenewOnlineResponse> reply;
    try {
      reply = logic.renewOnline(request());
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    var unused =
        reply.whenComplete(
            (response, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                fail(cause);
                done.completeExceptionally(cause);
              } else {
                apply(response.getRoomCountsMap());
                succeed();
                incarnations.accept(response.getStoreIncarnation());
                done.complete(null);
              }
            });
    return done;
  }

  private RenewOnlineRequest request() {
    Set<InetAddress> ips = new HashSet<>();
    long[] connections = {0};
    buckets.forEachConnection(
        connection -> {
          connections[0]++;
          InetAddress ip = ClientAddress.inetAddress(connection.channel());
          if (ip != null) {
            ips.add(ip);
          }
        });
    return RenewOnlineRequest.newBuilder()
        .setServerId(self.serverId())
        .setServerEpoch(self.epoch())
        .putAllRoomCounts(buckets.roomCounts())
        .setConnections(connections[0])
        .setClientIps(ips.size())
        .build();
  }

  private void apply(Map<String, Integer> counts) {
    buckets.forEachRoom(room -> room.onlineCount(counts.getOrDefault(room.id(), 0)));
  }

  private void succeed() {
    reported.increment();
    if (failing.compareAndSet(true, false)) {
      log.info("Online reports of {} to Logic recovered", self.serverId());
    }
  }

  private void fail(Throwable error) {
    failed.increment();
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "Online report of {} to Logic failed ({}); room counts stay as they were, retrying every"
              + " {}",
          self.serverId(),
          error.toString(),
          Durations.format(interval));
    } else {
      log.debug("Online report of {} failed again: {}", self.serverId(), error.toString());
    }
  }

  private static Counter reports(MeterRegistry meters, String result) {
    return Counter.builder("herald.comet.online.reports")
        .tag("result", result)
        .description("Room count reports to Logic (RenewOnline)")
        .register(meters);
  }
}
