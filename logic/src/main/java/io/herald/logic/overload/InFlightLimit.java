package io.herald.logic.overload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound on work in flight, by count and by bytes: {@link #tryAcquire} takes a {@link Permit} or
 * refuses at once (never waits), and the permit is given back when the work is done. Lock-free.
 *
 * <p>Meters, tagged {@code kind} ({@code push|connect}): {@code herald.logic.inflight} and {@code
 * herald.logic.inflight.bytes} (gauges), {@code herald.logic.overloaded} (refusals). A refusal is
 * logged at WARN at most once per {@value #LOG_EVERY_SECONDS} s, with the refusals since the last
 * line.
 */
public final class InFlightLimit {
  private static final Logger log = LoggerFactory.getLogger(InFlightLimit.class);

  static final long LOG_EVERY_SECONDS = 10;

  private final String kind;
  private final long maxCount;
  private final long maxBytes;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong nextLogNanos;
  private final LongSupplier nanoTime;
  private final Counter refused;

  /**
   * @param kind the meters' {@code kind} tag and the log's name for the work
   * @param maxCount permits out at once
   * @param maxBytes bytes the permits out hold at once; a single request above it is still admitted
   *     when nothing else is in flight, so no size below the API's own limit is refused forever
   */
  public InFlightLimit(String kind, long maxCount, long maxBytes, MeterRegistry meters) {
    this(kind, maxCount, maxBytes, meters, System::nanoTime);
  }

  InFlightLimit(
      String kind, long maxCount, long maxBytes, MeterRegistry meters, LongSupplier nanoTime) {
    this.kind = kind;
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.nanoTime = nanoTime;
    this.nextLogNanos = new AtomicLong(nanoTime.getAsLong());
    Gauge.builder("herald.logic.inflight", count, AtomicLong::get)
        .tag("kind", kind)
        .description("Work accepted and not yet answered")
        .register(meters);
    Gauge.builder("herald.logic.inflight.bytes", bytes, AtomicLong::get)
        .tag("kind", kind)
        .baseUnit("bytes")
        .description("Request bodies held by the work in flight")
        .register(meters);
    this.refused =
        Counter.builder("herald.logic.overloaded")
            .tag("kind", kind)
            .description("Requests refused because the bound on work in flight was reached")
            .register(meters);
  }

  /** A permit for work holding {@code size} bytes, or null (counted, logged) if over a bound. */
  public Permit tryAcquire(long size) {
    if (count.incrementAndGet() > maxCount) {
      count.decrementAndGet();
      return refuse("count");
    }
    long held = bytes.addAndGet(size);
    if (held > maxBytes && held != size) {
      bytes.addAndGet(-size);
      count.decrementAndGet();
      return refuse("bytes");
    }
    return new Permit(size);
  }

  private Permit refuse(String bound) {
    refused.increment();
    long since = refusedSinceLog.incrementAndGet();
    long now = nanoTime.getAsLong();
    long next = nextLogNanos.get();
    if (now - next >= 0
        && nextLogNanos.compareAndSet(next, now + LOG_EVERY_SECONDS * 1_000_000_000L)) {
      refusedSinceLog.addAndGet(-since);
      log.warn(
          "Overloaded: refused {} {} request(s) since the last report; at the {} bound ({} in"
              + " flight of {}, {} of {} bytes)",
          since,
          kind,
          bound,
          count.get(),
          maxCount,
          bytes.get(),
          maxBytes);
    }
    return null;
  }

  /** Work in flight now. */
  public long inFlight() {
    return count.get();
  }

  /** Bytes the work in flight holds now. */
  public long bytesInFlight() {
    return bytes.get();
  }

  /** One unit of work in flight; {@link #release()} gives it back, once however often called. */
  public final class Permit {
    private final long size;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(long size) {
      this.size = size;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        bytes.addAndGet(-size);
        count.decrementAndGet();
      }
    }
  }
}
