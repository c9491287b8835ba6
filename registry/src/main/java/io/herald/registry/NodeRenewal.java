package io.herald.registry;

import io.herald.config.Durations;
import io.herald.proto.registry.v1.CometNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Comet's record alive: registers it at {@link #start()}, renews it every {@code
 * interval} with what {@code current} says now (connection count, state), and deregisters it at
 * {@link #stop()}.
 *
 * <p>A failed renewal counts {@code herald.registry.renewals{result=error}} and is retried at the
 * next tick; the first failure in a row logs a WARN, the next ones DEBUG, the first success after
 * them an INFO. With the default 10 s interval and 30 s TTL, two renewals in a row may fail before
 * readers lose the node.
 *
 * <p>To drain, make {@code current} report {@code NODE_STATE_DRAINING} and call {@link
 * #renewNow()}, so readers see the state within a poll instead of a renewal interval.
 */
public final class NodeRenewal {
  private static final Logger log = LoggerFactory.getLogger(NodeRenewal.class);

  private final RegistryWriter writer;
  private final Supplier<CometNode> current;
  private final Duration interval;
  private final ScheduledExecutorService injectedScheduler;
  private final Counter renewed;
  private final Counter failed;
  private final AtomicBoolean failing = new AtomicBoolean();
  private Lifecycle lifecycle = Lifecycle.NEW;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> task;
  private volatile String serverId;
  private CompletableFuture<Void> deregistration = CompletableFuture.completedFuture(null);

  /** Renews on a daemon thread of its own, started by {@link #start()}. */
  public NodeRenewal(
      RegistryWriter writer, Supplier<CometNode> current, Duration interval, MeterRegistry meters) {
    this(writer, current, interval, null, meters);
  }

  /**
   * Renews on {@code scheduler}, which the caller owns and shuts down.
   *
   * @param scheduler {@code null} for a thread of its own
   */
  public NodeRenewal(
      RegistryWriter writer,
      Supplier<CometNode> current,
      Duration interval,
      ScheduledExecutorService scheduler,
      MeterRegistry meters) {
    this.writer = writer;
    this.current = current;
    this.interval = interval;
    this.injectedScheduler = scheduler;
    this.renewed = renewals(meters, "ok");
    this.failed = renewals(meters, "error");
  }

  /**
   * Issues the first registration from the calling thread (without waiting for it) and schedules
   * the renewals.
   */
  public synchronized void start() {
    if (lifecycle != Lifecycle.NEW) {
      return;
    }
    lifecycle = Lifecycle.STARTED;
    scheduler =
        injectedScheduler != null
            ? injectedScheduler
            : Executors.newSingleThreadScheduledExecutor(
                Lifecycle.daemonThreads("herald-registry-renewal"));
    long period = interval.toMillis();
    task = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    tick();
  }

  /**
   * Writes the current record at once, outside the schedule.
   *
   * @return the write's outcome; fails with {@link IllegalStateException} unless started
   */
  public CompletableFuture<Void> renewNow() {
    CompletableFuture<Void> write;
    synchronized (this) {
      if (lifecycle != Lifecycle.STARTED) {
        return CompletableFuture.failedFuture(new IllegalStateException("renewal not running"));
      }
      try {
        CometNode node = current.get();
        serverId = node.getServerId();
        write = writer.register(node);
      } catch (RuntimeException e) {
        write = CompletableFuture.failedFuture(e);
      }
    }
    return write.whenComplete((ignored, error) -> record(error));
  }

  /**
   * Stops renewing and deregisters the node. Idempotent.
   *
   * @return the deregistration's outcome (done at once if the renewal never started)
   */
  public synchronized CompletableFuture<Void> stop() {
    if (lifecycle == Lifecycle.STARTED) {
      task.cancel(false);
      if (scheduler != injectedScheduler) {
        scheduler.shutdown();
      }
      // Issued under the lock that renewNow() holds while issuing, so no renewal follows it.
      deregistration = deregister();
    }
    lifecycle = Lifecycle.STOPPED;
    return deregistration;
  }

  private CompletableFuture<Void> deregister() {
    try {
      return writer.deregister(serverId != null ? serverId : current.get().getServerId());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void tick() {
    var unused = renewNow();
  }

  private void record(Throwable error) {
    if (error == null) {
      renewed.increment();
      if (failing.compareAndSet(true, false)) {
        log.info("Registry renewal of {} recovered", serverId);
      }
      return;
    }
    failed.increment();
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "Registry renewal of {} failed; retrying every {}",
          serverId,
          Durations.format(interval),
          error);
    } else {
      log.debug("Registry renewal of {} failed again: {}", serverId, error.toString());
    }
  }

  private static Counter renewals(MeterRegistry meters, String result) {
    return Counter.builder("herald.registry.renewals")
        .tag("result", result)
        .description("Registrations and renewals of this Comet's record")
        .register(meters);
  }
}
