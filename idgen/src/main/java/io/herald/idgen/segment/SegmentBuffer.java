package io.herald.idgen.segment;

import io.herald.idgen.IdsUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment tag's double buffer. Ids come from the current segment through one atomic add; when a
 * take crosses the prefetch mark, the next segment is loaded on the loader executor; when the
 * current one is spent, the next becomes current. A burst that outruns both waits for a load (at
 * most {@code loadTimeout}) rather than failing; only a load that fails or times out fails the
 * request, with {@link IdsUnavailableException}.
 *
 * <p>Ids are increasing within a segment and segments of one buffer are increasing, so each
 * caller's ids from one buffer increase. Ids taken but not handed out (a server stopping with a
 * half-used segment) are never reused: segment ids are unique, not gap-free.
 */
public final class SegmentBuffer {
  private static final Window EMPTY = new Window(new Range(0, 1), 0.0);

  static {
    EMPTY.cursor.set(1);
  }

  private final String tag;
  private final SegmentSource source;
  private final SegmentTagConfig tagConfig;
  private final SegmentConfig config;
  private final Executor loader;
  private final Clock clock;
  private final Counter issued;
  private final Counter waits;
  private final Timer fetchOk;
  private final Timer fetchFailed;

  private volatile Window current = EMPTY;
  private final Object lock = new Object();
  private Window next; // guarded by lock
  private CompletableFuture<Window> loading; // guarded by lock
  private int step; // guarded by lock; 0 = the stored step
  private long lastLoadAt; // guarded by lock
  private volatile double rate; // ids per second over the last spent segment

  public SegmentBuffer(
      String tag,
      SegmentSource source,
      SegmentTagConfig tagConfig,
      SegmentConfig config,
      Executor loader,
      Clock clock,
      MeterRegistry meters) {
    this.tag = tag;
    this.source = source;
    this.tagConfig = tagConfig;
    this.config = config;
    this.loader = loader;
    this.clock = clock;
    this.issued = meters.counter("herald.idgen.ids.issued", "mode", "segment");
    this.waits = meters.counter("herald.idgen.segment.waits", "tag", tag);
    this.fetchOk = meters.timer("herald.idgen.segment.fetch", "tag", tag, "result", "ok");
    this.fetchFailed = meters.timer("herald.idgen.segment.fetch", "tag", tag, "result", "error");
    Gauge.builder("herald.idgen.segment.remaining", this, SegmentBuffer::remaining)
        .tag("tag", tag)
        .description("ids left in memory (current and next segment)")
        .register(meters);
    Gauge.builder("herald.idgen.segment.seconds.left", this, SegmentBuffer::secondsLeft)
        .tag("tag", tag)
        .description("seconds until the buffered ids run out at the recent rate (NaN: no rate yet)")
        .register(meters);
  }

  public String tag() {
    return tag;
  }

  /**
   * One id.
   *
   * @param mayWait whether to wait for a segment load; without it, -1 is returned instead
   */
  public long takeOne(boolean mayWait) {
    Window w = current;
    while (true) {
      long id = w.cursor.getAndIncrement();
      if (id < w.end) {
        if (id == w.prefetchMark) {
          prefetch(w);
        }
        issued.increment();
        return id;
      }
      w = advance(w, mayWait);
      if (w == null) {
        return -1;
      }
    }
  }

  /**
   * Adds up to {@code count} ids to {@code out} as ascending ranges.
   *
   * @param mayWait whether to wait for segment loads
   * @return how many ids are still missing: 0, or more only when {@code mayWait} is false and a
   *     load would have to be waited for (the ids added so far stay valid)
   */
  public int take(int count, List<Range> out, boolean mayWait) {
    int missing = count;
    Window w = current;
    while (missing > 0) {
      long start = w.cursor.getAndAdd(missing);
      if (start < w.end) {
        long end = Math.min(start + missing, w.end);
        add(out, start, end);
        missing -= (int) (end - start);
        issued.increment(end - start);
        if (start <= w.prefetchMark && w.prefetchMark < end) {
          prefetch(w);
        }
      }
      if (missing > 0) {
        w = advance(w, mayWait);
        if (w == null) {
          return missing;
        }
      }
    }
    return 0;
  }

  private static void add(List<Range> out, long start, long end) {
    int last = out.size() - 1;
    if (last >= 0 && out.get(last).end() == start) {
      out.set(last, new Range(out.get(last).start(), end));
    } else {
      out.add(new Range(start, end));
    }
  }

  /** Loads the first segment now (at start), failing if the database cannot give one. */
  public void load() {
    if (advance(current, true) == null) {
      throw new IllegalStateException("no segment loaded for " + tag);
    }
  }

  /** Whether the next segment is loaded and waiting. */
  public boolean nextLoaded() {
    synchronized (lock) {
      return next != null;
    }
  }

  /** The current segment's range. */
  public Range currentRange() {
    Window w = current;
    return new Range(w.start, w.end);
  }

  private Window advance(Window spent, boolean mayWait) {
    while (true) {
      CompletableFuture<Window> pending;
      synchronized (lock) {
        if (current != spent) {
          return current;
        }
        if (next != null) {
          Window previous = current;
          long now = clock.millis();
          if (previous != EMPTY && now > previous.since) {
            rate = (previous.end - previous.start) * 1000.0 / (now - previous.since);
          }
          next.since = now;
          current = next;
          next = null;
          return current;
        }
        if (!mayWait) {
          return null;
        }
        if (loading == null) {
          startLoad();
        }
        pending = loading;
      }
      waits.increment();
      try {
        pending.get(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw new IdsUnavailableException(
            "tag " + tag + ": ids are spent and no segment could be loaded: " + cause.getMessage(),
            cause);
      } catch (TimeoutException e) {
        throw new IdsUnavailableException(
            "tag "
                + tag
                + ": ids are spent and the segment load is taking longer than "
                + config.loadTimeout().toMillis()
                + " ms",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IdsUnavailableException("tag " + tag + ": interrupted", e);
      }
    }
  }

  private void prefetch(Window w) {
    synchronized (lock) {
      if (current == w && next == null && loading == null) {
        startLoad();
      }
    }
  }

  // Holds lock. Publishes the load as `loading` before it can finish, so its completion (under the
  // same lock, on the loader) always finds and clears its own future.
  private void startLoad() {
    int wanted = nextStep();
    CompletableFuture<Window> result = new CompletableFuture<>();
    loading = result;
    try {
      loader.execute(() -> load(wanted, result));
    } catch (RejectedExecutionException e) {
      loading = null;
      result.completeExceptionally(new IllegalStateException("the segment loader is stopped", e));
    }
  }

  // On the loader: allocate, then publish the segment as `next` and clear `loading` together.
  private void load(int wanted, CompletableFuture<Window> result) {
    long t0 = System.nanoTime();
    SegmentSource.Allocation allocation;
    try {
      allocation = source.allocate(tag, wanted, tagConfig.minStep(), tagConfig.maxStep());
      fetchOk.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      fetchFailed.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      synchronized (lock) {
        loading = null;
      }
      result.completeExceptionally(e);
      return;
    }
    Window loaded = new Window(allocation.range(), config.prefetchAt());
    synchronized (lock) {
      loading = null;
      step = allocation.step();
      lastLoadAt = clock.millis();
      next = loaded;
    }
    result.complete(loaded);
  }

  // Holds lock. The step for the next load: doubled when the last segment went faster than the
  // target duration, halved when it lasted over twice as long, kept otherwise.
  private int nextStep() {
    if (lastLoadAt == 0) {
      return 0; // the first load uses the stored step
    }
    long elapsed = clock.millis() - lastLoadAt;
    long target = config.segmentDuration().toMillis();
    long wanted = step;
    if (elapsed < target) {
      wanted = step * 2L;
    } else if (elapsed > 2 * target) {
      wanted = step / 2L;
    }
    return (int) Math.max(tagConfig.minStep(), Math.min(tagConfig.maxStep(), wanted));
  }

  /** Ids in memory: what is left of the current segment plus the loaded next one. */
  public long remaining() {
    Window w = current;
    long left = Math.max(0, w.end - Math.max(w.start, w.cursor.get()));
    synchronized (lock) {
      return left + (next == null ? 0 : next.end - next.start);
    }
  }

  private double secondsLeft() {
    Window w = current;
    long now = clock.millis();
    double recent = rate;
    long used = Math.min(w.cursor.get(), w.end) - w.start;
    if (w != EMPTY && now - w.since >= 1000 && used > 0) {
      recent = used * 1000.0 / (now - w.since);
    }
    return recent > 0 ? remaining() / recent : Double.NaN;
  }

  /** A segment in memory; {@code since} is set when it becomes current, before it is published. */
  private static final class Window {
    final long start;
    final long end;
    final long prefetchMark;
    final AtomicLong cursor;
    long since;

    Window(Range range, double prefetchAt) {
      this.start = range.start();
      this.end = range.end();
      this.prefetchMark = start + (long) ((end - start) * prefetchAt);
      this.cursor = new AtomicLong(start);
    }
  }
}
