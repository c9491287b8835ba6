package io.herald.idgen.segment;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The segment tags of one server: their rows, their buffers and the thread that loads segments.
 * {@link #start()} creates missing rows and loads each tag's first segment (so a database problem
 * fails the start); {@link #stop()} stops the loader. Both are idempotent.
 */
public final class SegmentIds {
  private final JdbcSegmentStore store;
  private final Map<String, SegmentTagConfig> tags;
  private final SegmentConfig config;
  private final Clock clock;
  private final MeterRegistry meters;
  private volatile Map<String, SegmentBuffer> buffers = Map.of();
  private ExecutorService loader;

  public SegmentIds(
      JdbcSegmentStore store,
      Map<String, SegmentTagConfig> tags,
      SegmentConfig config,
      Clock clock,
      MeterRegistry meters) {
    this.store = store;
    this.tags = Map.copyOf(tags);
    this.config = config;
    this.clock = clock;
    this.meters = meters;
  }

  public synchronized void start() {
    if (loader != null) {
      return;
    }
    loader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "idgen-segment-loader");
              t.setDaemon(true);
              return t;
            });
    Map<String, SegmentBuffer> loaded = new LinkedHashMap<>();
    try {
      tags.forEach(
          (tag, tagConfig) -> {
            store.ensureTag(tag, tagConfig.firstId(), tagConfig.step());
            SegmentBuffer buffer =
                new SegmentBuffer(tag, store, tagConfig, config, loader, clock, meters);
            buffer.load();
            loaded.put(tag, buffer);
          });
      buffers = Map.copyOf(loaded);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** The tag's buffer, or {@code null} if it is not a segment tag of this server. */
  public SegmentBuffer buffer(String tag) {
    return buffers.get(tag);
  }

  public synchronized void stop() {
    if (loader == null) {
      return;
    }
    loader.shutdownNow();
    try {
      var unused = loader.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loader = null;
    buffers = Map.of();
  }
}
