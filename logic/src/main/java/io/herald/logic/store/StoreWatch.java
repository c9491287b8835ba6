package io.herald.logic.store;

import io.herald.config.Durations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the session store every {@code interval}: whether it answers (Logic's readiness says so)
 * and whether it still holds what it held ({@link StoreBackend#incarnation()}). When the
 * incarnation changes — a Redis that came back empty, a flush, a failover to a replica without the
 * data — every session, online report and room entry is gone: it logs a WARN, counts {@code
 * herald.logic.store.resets} and tells its listeners (which ask the Comets to re-announce), and
 * {@link #resetWithin} lets room pushes go to every Comet until the Comets have re-announced.
 *
 * <p>Checks run one at a time on a daemon thread of its own; {@code herald.logic.store.up} is 1
 * while the last check succeeded. {@link #start()} and {@link #stop()} are idempotent; the
 * constructor does no I/O.
 */
public final class StoreWatch {
  private static final Logger log = LoggerFactory.getLogger(StoreWatch.class);

  /** The store as last checked: whether it answered, and if not, why. */
  public record Status(boolean up, String detail) {}

  private final Supplier<CompletableFuture<String>> incarnations;
  private final Duration interval;
  private final Duration checkTimeout;
  private final Clock clock;
  private final Counter resets;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile Status status = new Status(false, "not checked yet");
  private volatile String incarnation = "";

  /** When the store was last found reset (clock millis); negative: never. */
  private volatile long resetAt = -1;

  private ScheduledExecutorService executor;
  private boolean stopped;

  /**
   * @param incarnations reads the store's incarnation (a round trip)
   * @param checkTimeout how long one check may take before the store counts as down
   */
  public StoreWatch(
      Supplier<CompletableFuture<String>> incarnations,
      Duration interval,
      Duration checkTimeout,
      Clock clock,
      MeterRegistry meters) {
    this.incarnations = incarnations;
    this.interval = interval;
    this.checkTimeout = checkTimeout;
    this.clock = clock;
    this.resets =
        Counter.builder("herald.logic.store.resets")
            .description("Times the session store was found to have lost its contents")
            .register(meters);
    Gauge.builder("herald.logic.store.up", this, watch -> watch.status.up() ? 1 : 0)
        .description("1 while the session store answers Logic's checks")
        .register(meters);
  }

  /** Calls {@code listener} with the new incarnation whenever the store is found reset. */
  public void onReset(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** Checks at once, then every interval. */
  public synchronized void start() {
    if (executor != null || stopped) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "herald-logic-store-watch");
              thread.setDaemon(true);
              return thread;
            });
    var unused =
        executor.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    stopped = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** The store's status as of the last check. */
  public Status status() {
    return status;
  }

  /** The store's incarnation as of the last successful check; empty before the first. */
  public String incarnation() {
    return incarnation;
  }

  /** Whether the store was found reset less than {@code window} ago. */
  public boolean resetWithin(Duration window) {
    long at = resetAt;
    return at >= 0 && clock.millis() - at < window.toMillis();
  }

  /** One check; runs on the watch's thread. */
  void check() {
    String current;
    try {
      current = incarnations.get().get(checkTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      String detail =
          e instanceof TimeoutException
              ? "no answer within " + Durations.format(checkTimeout)
              : String.valueOf(cause.getMessage());
      if (status.up() || status.detail().equals("not checked yet")) {
        log.warn("The session store does not answer: {}", detail);
      }
      status = new Status(false, detail);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!status.up() && !status.detail().equals("not checked yet")) {
      log.info("The session store answers again");
    }
    status = new Status(true, "");
    String before = incarnation;
    incarnation = current;
    if (!before.isEmpty() && !before.equals(current)) {
      resetAt = clock.millis();
      resets.increment();
      log.warn(
          "The session store lost its contents (incarnation {} is now {}): every session, online"
              + " report and room entry is gone; asking the Comets to re-announce theirs",
          before,
          current);
      for (Consumer<String> listener : listeners) {
        try {
          listener.accept(current);
        } catch (RuntimeException e) {
          log.warn("A store reset listener failed", e);
        }
      }
    }
  }
}
