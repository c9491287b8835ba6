package io.herald.comet.logic;

import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.DeviceCursor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox positions clients ack (op 18 with a seq), gathered per Comet and sent to {@code
 * Logic.Ack} every {@code cursorFlush} or as soon as {@value #MAX_BATCH} devices wait. Only the
 * newest position of each device is kept (a higher epoch, or a higher seq in the same epoch), so a
 * device acking often costs one cursor per flush. A failed call puts its cursors back (unless newer
 * ones came meanwhile) for the next flush: what waits is bounded by the devices, never by the acks.
 * Cursors only move forward in Logic, so a late or repeated one is harmless. Safe from any thread.
 *
 * <p>Metrics: {@code herald.comet.cursor.flushes{result=ok|error}} (calls to Logic), {@code
 * herald.comet.cursors.queued} (devices waiting).
 */
public final class CursorBatcher {
  private static final Logger log = LoggerFactory.getLogger(CursorBatcher.class);

  /** Most cursors per {@code Logic.Ack} call (the contract's limit). */
  public static final int MAX_BATCH = 1000;

  private final LogicClient logic;
  private final String serverId;
  private final ScheduledExecutorService scheduler;
  private final long flushNanos;
  private final Counter flushedOk;
  private final Counter flushedError;

  /** Device (mid, key) → its newest cursor; guarded by this. */
  private final Map<Device, DeviceCursor> queued = new LinkedHashMap<>();

  private boolean flushScheduled;
  private ScheduledFuture<?> ticker;

  private record Device(long mid, String key) {}

  public CursorBatcher(
      LogicClient logic,
      String serverId,
      Duration flushInterval,
      ScheduledExecutorService scheduler,
      MeterRegistry meters) {
    this.logic = logic;
    this.serverId = serverId;
    this.scheduler = scheduler;
    this.flushNanos = flushInterval.toNanos();
    this.flushedOk = flushes(meters, "ok");
    this.flushedError = flushes(meters, "error");
    Gauge.builder("herald.comet.cursors.queued", this, CursorBatcher::size)
        .description("Devices whose acked inbox position waits to go to Logic")
        .register(meters);
  }

  private static Counter flushes(MeterRegistry meters, String result) {
    return Counter.builder("herald.comet.cursor.flushes")
        .description("Logic.Ack calls carrying batched inbox cursors")
        .tag("result", result)
        .register(meters);
  }

  /** Starts the periodic flush. */
  public synchronized void start() {
    if (ticker == null) {
      ticker =
          scheduler.scheduleWithFixedDelay(
              this::flush, flushNanos, flushNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Stops the periodic flush and sends what waits, once (not waiting for the answer). */
  public void stop() {
    synchronized (this) {
      if (ticker != null) {
        ticker.cancel(false);
      }
    }
    flush();
  }

  /** Queues a device's position; older positions of the same device are dropped. */
  public void add(long mid, String key, long epoch, long seq) {
    DeviceCursor cursor =
        DeviceCursor.newBuilder().setMid(mid).setKey(key).setEpoch(epoch).setSeq(seq).build();
    boolean full;
    synchronized (this) {
      queued.merge(new Device(mid, key), cursor, CursorBatcher::newer);
      full = queued.size() >= MAX_BATCH && !flushScheduled;
      if (full) {
        flushScheduled = true;
      }
    }
    if (full) {
      try {
        scheduler.execute(this::flush);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          flushScheduled = false;
        }
      }
    }
  }

  private static DeviceCursor newer(DeviceCursor held, DeviceCursor offered) {
    if (offered.getEpoch() != held.getEpoch()) {
      return offered.getEpoch() > held.getEpoch() ? offered : held;
    }
    return offered.getSeq() > held.getSeq() ? offered : held;
  }

  synchronized int size() {
    return queued.size();
  }

  /** Sends what waits now, {@value #MAX_BATCH} cursors per call. */
  public void flush() {
    while (true) {
      List<DeviceCursor> batch = new ArrayList<>();
      synchronized (this) {
        flushScheduled = false;
        Iterator<DeviceCursor> it = queued.values().iterator();
        while (it.hasNext() && batch.size() < MAX_BATCH) {
          batch.add(it.next());
          it.remove();
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      send(batch);
      if (batch.size() < MAX_BATCH) {
        return;
      }
    }
  }

  private void send(List<DeviceCursor> batch) {
    AckRequest request = AckRequest.newBuilder().setServerId(serverId).addAllCursors(batch).build();
    var unused =
        call(request)
            .whenComplete(
                (reply, error) -> {
                  if (error == null) {
                    flushedOk.increment();
                    return;
                  }
                  flushedError.increment();
                  log.debug("Logic.Ack of {} cursors failed: {}", batch.size(), error.toString());
                  synchronized (this) {
                    for (DeviceCursor cursor : batch) {
                      queued.merge(
                          new Device(cursor.getMid(), cursor.getKey()),
                          cursor,
                          CursorBatcher::newer);
                    }
                  }
                });
  }

  private java.util.concurrent.CompletableFuture<?> call(AckRequest request) {
    try {
      return logic.ack(request);
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }
}
