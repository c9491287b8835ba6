package io.herald.idgen.time;

import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.layout.BitLayout;
import io.herald.idgen.lease.Lease;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.lease.LeaseStore;
import io.herald.idgen.lease.WorkerLease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One time-based layout in service: a leased worker id and the generator using it. {@link #start()}
 * leases a worker id and waits for the clock to pass its high-water mark; {@link #renew()} (on the
 * server's timer) renews the lease, and leases a new worker id when the old one was lost; {@link
 * #stop()} stops issuing and frees the worker id with the exact time of the last id.
 */
public final class TimeIds {
  private static final Logger log = LoggerFactory.getLogger(TimeIds.class);

  private final BitLayout layout;
  private final TimeLayoutConfig config;
  private final LeaseStore store;
  private final LeaseConfig leaseConfig;
  private final String holder;
  private final Clock clock;
  private final TimeWaiter waiter;
  private final MeterRegistry meters;
  private volatile WorkerLease lease;
  private volatile TimeIdGenerator generator;

  public TimeIds(
      BitLayout layout,
      TimeLayoutConfig config,
      LeaseStore store,
      LeaseConfig leaseConfig,
      String holder,
      Clock clock,
      TimeWaiter waiter,
      MeterRegistry meters) {
    if (config.workers() > layout.workerCount()) {
      throw new IllegalArgumentException(
          layout.name()
              + ".workers: "
              + config.workers()
              + " (expected: at most "
              + layout.workerCount()
              + ", what the "
              + layout.workerBits()
              + "-bit worker field holds)");
    }
    this.layout = layout;
    this.config = config;
    this.store = store;
    this.leaseConfig = leaseConfig;
    this.holder = holder;
    this.clock = clock;
    this.waiter = waiter;
    this.meters = meters;
  }

  public BitLayout layout() {
    return layout;
  }

  public TimeLayoutConfig config() {
    return config;
  }

  /**
   * Leases a worker id and waits until the clock is past its high-water mark.
   *
   * @throws IllegalStateException if no worker id is free, or the clock is behind the mark by more
   *     than {@code maxStartWait}
   */
  public synchronized void start() {
    if (generator != null) {
      return;
    }
    WorkerLease taken = newLease();
    Lease held = taken.acquire();
    long mark = held.previousHighWater();
    // Past the mark's whole time unit: ids of that unit may exist.
    long clear =
        config.epochMillis()
            + (Math.max(0, mark - config.epochMillis()) / layout.unitMillis() + 1)
                * layout.unitMillis();
    long behind = clear - clock.millis();
    if (mark > 0 && behind > 0) {
      if (behind > leaseConfig.maxStartWait().toMillis()) {
        taken.release(mark);
        throw new IllegalStateException(
            layout.name()
                + " worker "
                + held.worker()
                + ": the clock is "
                + behind
                + " ms behind the worker's high-water mark "
                + Instant.ofEpochMilli(mark)
                + " (leases.maxStartWait: "
                + leaseConfig.maxStartWait().toMillis()
                + " ms); fix the clock");
      }
      log.warn(
          "{} worker {}: waiting {} ms for the clock to pass the high-water mark",
          layout.name(),
          held.worker(),
          behind);
      waiter.awaitMillis(clock, clear);
    }
    lease = taken;
    generator = newGenerator(held, taken);
    Gauge.builder("herald.idgen.worker", this, ids -> ids.worker())
        .tag("mode", layout.name())
        .description("the leased worker id, -1 while none is held")
        .register(meters);
  }

  private WorkerLease newLease() {
    return new WorkerLease(
        store, layout.name(), config.workers(), holder, leaseConfig, clock, meters);
  }

  private TimeIdGenerator newGenerator(Lease held, WorkerLease fence) {
    return new TimeIdGenerator(
        layout,
        config.epochMillis(),
        held.worker(),
        held.previousHighWater(),
        clock,
        fence,
        config.maxStepBack(),
        waiter,
        meters);
  }

  /** The generator, for issuing ids. */
  public TimeIdGenerator generator() {
    TimeIdGenerator current = generator;
    if (current == null) {
      throw new IdsUnavailableException(layout.name() + ": not started");
    }
    return current;
  }

  /** Whether a worker lease is held and its fence is open now. */
  public boolean leaseValid() {
    WorkerLease current = lease;
    return current != null && current.lease() != null && clock.millis() < current.validUntil();
  }

  /** The leased worker id, or -1. */
  public int worker() {
    WorkerLease current = lease;
    Lease held = current == null ? null : current.lease();
    return held == null ? -1 : held.worker();
  }

  /**
   * Renews the lease; if it was lost, leases a worker id again (the new generator starts above both
   * the new worker's high-water mark and the last id made here).
   */
  public void renew() {
    WorkerLease current;
    TimeIdGenerator old;
    synchronized (this) {
      current = lease;
      old = generator;
    }
    if (current == null || current.renew()) {
      return;
    }
    synchronized (this) {
      if (lease != current) {
        return;
      }
      try {
        WorkerLease taken = newLease();
        Lease held = taken.acquire();
        long start = Math.max(held.previousHighWater(), old.lastMillis());
        generator =
            newGenerator(
                new Lease(held.pool(), held.worker(), held.holder(), held.token(), start), taken);
        lease = taken;
        log.warn("{}: issuing ids again as worker {}", layout.name(), held.worker());
      } catch (RuntimeException e) {
        log.error("{}: cannot lease a worker id again: {}", layout.name(), e.getMessage());
      }
    }
  }

  /** Stops issuing and frees the worker id. */
  public synchronized void stop() {
    WorkerLease current = lease;
    TimeIdGenerator last = generator;
    if (current == null) {
      return;
    }
    current.closeFence();
    current.release(last.lastMillis());
    lease = null;
    generator = null;
  }
}
