package io.herald.idgen.lease;

import io.herald.idgen.time.Fence;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One holder's lease on a worker id, and the {@link Fence} of the generator using it.
 *
 * <p>Each acquisition or renewal starting at clock time {@code t} moves the fence to {@code t + ttl
 * - safetyMargin} once the store confirms it, and writes that same time as the worker's high-water
 * mark first. So the generator never makes an id at or past the mark, and it stops issuing before
 * the store can hand the worker id to anyone else: a renewal that fails (store unreachable) leaves
 * the fence where it was, and one that finds the lease gone closes it at once.
 */
public final class WorkerLease implements Fence {
  private static final Logger log = LoggerFactory.getLogger(WorkerLease.class);

  private final LeaseStore store;
  private final String pool;
  private final int workers;
  private final String holder;
  private final LeaseConfig config;
  private final Clock clock;
  private final MeterRegistry meters;
  private volatile Lease lease;
  private volatile long validUntil = Long.MIN_VALUE;

  public WorkerLease(
      LeaseStore store,
      String pool,
      int workers,
      String holder,
      LeaseConfig config,
      Clock clock,
      MeterRegistry meters) {
    this.store = store;
    this.pool = pool;
    this.workers = workers;
    this.holder = holder;
    this.config = config;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public long validUntil() {
    return validUntil;
  }

  /** The lease held, or {@code null}. */
  public Lease lease() {
    return lease;
  }

  /**
   * Takes a free or expired worker id.
   *
   * @throws IllegalStateException if every worker id of the pool is held
   * @throws LeaseStoreException if the store cannot be reached
   */
  public Lease acquire() {
    long until = deadlineFrom(clock.millis());
    Lease taken =
        store
            .acquire(pool, workers, holder, config.ttl(), until)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "all "
                            + workers
                            + " "
                            + pool
                            + " worker ids are leased by other servers; free one or raise"
                            + " the pool's workers"));
    lease = taken;
    validUntil = until;
    count("acquired");
    log.info(
        "{} worker {} leased (token {}, high-water {})",
        pool,
        taken.worker(),
        taken.token(),
        Instant.ofEpochMilli(taken.previousHighWater()));
    return taken;
  }

  /**
   * Renews the lease once.
   *
   * @return false if the lease is not held (lost, or never acquired); true if it was renewed or the
   *     store could not be reached (the fence then stays where it was)
   */
  public boolean renew() {
    Lease held = lease;
    if (held == null) {
      return false;
    }
    long until = deadlineFrom(clock.millis());
    try {
      if (store.renew(held, config.ttl(), until)) {
        validUntil = Math.max(validUntil, until);
        count("renewed");
        return true;
      }
    } catch (LeaseStoreException e) {
      count("error");
      log.warn(
          "{} worker {}: cannot renew the lease ({}); ids stop at {} unless a renewal succeeds",
          pool,
          held.worker(),
          e.getMessage(),
          Instant.ofEpochMilli(validUntil));
      return true;
    }
    validUntil = Long.MIN_VALUE;
    lease = null;
    count("lost");
    log.error(
        "{} worker {}: the lease expired or was taken by another server; this generator stopped",
        pool,
        held.worker());
    return false;
  }

  /** Closes the fence (no further id), then frees the worker id with {@code highWater}. */
  public void closeFence() {
    validUntil = Long.MIN_VALUE;
  }

  /** Frees the worker id, recording {@code highWater} (the last id's time); call after closing. */
  public void release(long highWater) {
    Lease held = lease;
    validUntil = Long.MIN_VALUE;
    lease = null;
    if (held == null) {
      return;
    }
    try {
      store.release(held, highWater);
      count("released");
    } catch (LeaseStoreException e) {
      log.warn("{} worker {}: cannot release the lease: {}", pool, held.worker(), e.getMessage());
    }
  }

  private long deadlineFrom(long now) {
    return now + config.ttl().toMillis() - config.safetyMargin().toMillis();
  }

  private void count(String result) {
    meters.counter("herald.idgen.lease.renewals", "pool", pool, "result", result).increment();
  }
}
