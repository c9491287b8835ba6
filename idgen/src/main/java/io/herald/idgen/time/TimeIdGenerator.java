package io.herald.idgen.time;

import io.herald.idgen.ClockSteppedBackException;
import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.layout.BitLayout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time-based ids (Snowflake or Sonyflake layout) for one leased worker id.
 *
 * <p>Rules, in order, for every id:
 *
 * <ol>
 *   <li>The clock behind the last id's time by at most {@code maxStepBack} is waited out; by more,
 *       the id is refused with {@link ClockSteppedBackException} (logged at ERROR once per episode,
 *       counted in {@code herald.idgen.clock.stepbacks{outcome=refused}}) until it catches up.
 *   <li>At or past the {@link Fence}'s deadline (the worker lease not renewed in time, or lost) the
 *       id is refused with {@link IdsUnavailableException}.
 *   <li>Within one time unit the sequence counts up; once it is used up the generator waits for the
 *       next unit ({@code herald.idgen.sequence.waits}).
 * </ol>
 *
 * <p>The generator starts as if its last id had been made at {@code highWaterMillis}, the lease's
 * persisted high-water mark, with that unit's sequence used up: no id can repeat one made by an
 * earlier holder of the worker id, even if this clock is behind that holder's.
 *
 * <p>Methods taking {@code mayWait = false} never block: they return {@link #WOULD_WAIT} (or {@code
 * null}) when the id would need a wait, so callers on an event loop can move the request to a
 * blocking executor.
 */
public final class TimeIdGenerator {
  /** Returned by {@link #next(boolean)} instead of waiting. Ids are always positive. */
  public static final long WOULD_WAIT = -1;

  private static final Logger log = LoggerFactory.getLogger(TimeIdGenerator.class);

  private final BitLayout layout;
  private final long epochMillis;
  private final int worker;
  private final Clock clock;
  private final Fence fence;
  private final long maxStepBackMillis;
  private final TimeWaiter waiter;
  private final Counter issued;
  private final Counter sequenceWaits;
  private final Counter stepBacksAbsorbed;
  private final Counter stepBacksRefused;

  private long lastMillis;
  private long lastUnit;
  private long sequence;
  private boolean refusing;

  /**
   * @param layout the bit layout
   * @param epochMillis the custom epoch (Unix ms); time 0 of the ids
   * @param worker the leased worker id, within the layout's worker field
   * @param highWaterMillis no id is made at or before this clock time (the lease's high-water mark)
   * @param maxStepBack the largest clock step back that is waited out rather than refused
   */
  public TimeIdGenerator(
      BitLayout layout,
      long epochMillis,
      int worker,
      long highWaterMillis,
      Clock clock,
      Fence fence,
      Duration maxStepBack,
      TimeWaiter waiter,
      MeterRegistry meters) {
    if (worker < 0 || worker >= layout.workerCount()) {
      throw new IllegalArgumentException(
          "worker: " + worker + " (expected: 0-" + (layout.workerCount() - 1) + ")");
    }
    this.layout = layout;
    this.epochMillis = epochMillis;
    this.worker = worker;
    this.clock = clock;
    this.fence = fence;
    this.maxStepBackMillis = maxStepBack.toMillis();
    this.waiter = waiter;
    this.lastMillis = Math.max(highWaterMillis, epochMillis);
    this.lastUnit = (lastMillis - epochMillis) / layout.unitMillis();
    this.sequence = layout.maxSequence(); // the high-water unit counts as used up
    String name = layout.name();
    this.issued = meters.counter("herald.idgen.ids.issued", "mode", name);
    this.sequenceWaits = meters.counter("herald.idgen.sequence.waits", "mode", name);
    this.stepBacksAbsorbed =
        meters.counter("herald.idgen.clock.stepbacks", "mode", name, "outcome", "absorbed");
    this.stepBacksRefused =
        meters.counter("herald.idgen.clock.stepbacks", "mode", name, "outcome", "refused");
  }

  public BitLayout layout() {
    return layout;
  }

  public int worker() {
    return worker;
  }

  public long epochMillis() {
    return epochMillis;
  }

  /** The clock time of the last id made (or the starting high-water mark). */
  public synchronized long lastMillis() {
    return lastMillis;
  }

  /**
   * One id.
   *
   * @param mayWait whether to wait for the next time unit or out a small clock step back; without
   *     it, {@link #WOULD_WAIT} is returned instead
   * @throws ClockSteppedBackException if the clock is behind by more than the tolerated step
   * @throws IdsUnavailableException if the worker lease is not held
   */
  public synchronized long next(boolean mayWait) {
    long id = take(mayWait);
    if (id != WOULD_WAIT) {
      issued.increment();
    }
    return id;
  }

  /**
   * {@code count} ids, ascending, or {@code null} when {@code mayWait} is false and they cannot all
   * be made without waiting (then none is made).
   */
  public synchronized long[] next(int count, boolean mayWait) {
    if (!mayWait && !fitsWithoutWaiting(count)) {
      return null;
    }
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      ids[i] = take(true);
    }
    issued.increment(count);
    return ids;
  }

  private boolean fitsWithoutWaiting(int count) {
    long now = clock.millis();
    if (now < lastMillis || now >= fence.validUntil()) {
      return false; // let the waiting path wait or throw
    }
    long left = unitOf(now) > lastUnit ? layout.maxSequence() + 1 : layout.maxSequence() - sequence;
    return count <= left;
  }

  private long take(boolean mayWait) {
    while (true) {
      long now = clock.millis();
      if (now < lastMillis) {
        long back = lastMillis - now;
        if (back > maxStepBackMillis) {
          throw refuse(back);
        }
        if (!mayWait) {
          return WOULD_WAIT;
        }
        stepBacksAbsorbed.increment();
        waiter.awaitMillis(clock, lastMillis);
        continue;
      }
      if (now >= fence.validUntil()) {
        throw leaseNotHeld();
      }
      long unit = unitOf(now);
      if (unit > lastUnit) {
        lastUnit = unit;
        sequence = 0;
      } else if (sequence < layout.maxSequence()) {
        sequence++;
      } else {
        if (!mayWait) {
          return WOULD_WAIT;
        }
        sequenceWaits.increment();
        waiter.awaitMillis(clock, epochMillis + (lastUnit + 1) * layout.unitMillis());
        continue;
      }
      if (refusing) {
        refusing = false;
        log.warn("{} worker {}: clock caught up; issuing ids again", layout.name(), worker);
      }
      lastMillis = now;
      return layout.compose(unit, worker, sequence);
    }
  }

  private long unitOf(long now) {
    long unit = (now - epochMillis) / layout.unitMillis();
    if (unit > layout.maxTime()) {
      throw new IllegalStateException(
          layout.name()
              + ": the time field is used up (epoch "
              + Instant.ofEpochMilli(epochMillis)
              + " is too far in the past)");
    }
    return unit;
  }

  private ClockSteppedBackException refuse(long back) {
    stepBacksRefused.increment();
    String message =
        layout.name()
            + " worker "
            + worker
            + ": the clock stepped back "
            + back
            + " ms (tolerated: "
            + maxStepBackMillis
            + " ms); refusing ids until it reaches "
            + Instant.ofEpochMilli(lastMillis);
    if (!refusing) {
      refusing = true;
      log.error("{}", message);
    }
    return new ClockSteppedBackException(message);
  }

  private IdsUnavailableException leaseNotHeld() {
    return new IdsUnavailableException(
        layout.name() + " worker " + worker + ": the worker lease is not held; refusing ids");
  }
}
