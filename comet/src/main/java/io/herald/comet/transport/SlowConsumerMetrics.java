package io.herald.comet.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the slow-consumer policy counts, shared by every client channel: one per Comet (per
 * registry), made by its {@link TransportContext}; each channel's {@link ClientFrameHandler}
 * watches the channel's writability. {@code herald.comet.write.queue.unwritable} is the number of
 * channels whose outbound queue is above its high watermark right now (write-queue pressure);
 * {@code herald.comet.slow.consumers.closed} counts channels closed for staying so too long.
 */
final class SlowConsumerMetrics {
  static final String UNWRITABLE = "herald.comet.write.queue.unwritable";
  static final String CLOSED = "herald.comet.slow.consumers.closed";

  private final AtomicInteger unwritable = new AtomicInteger();
  private final Counter closed;

  SlowConsumerMetrics(MeterRegistry registry) {
    Gauge.builder(UNWRITABLE, unwritable, AtomicInteger::get)
        .description("Client channels whose outbound queue is above the high watermark")
        .strongReference(true)
        .register(registry);
    closed =
        Counter.builder(CLOSED)
            .description("Client channels closed for staying unwritable past maxUnwritable")
            .register(registry);
  }

  /** Channels unwritable now (what the gauge reports). */
  int unwritable() {
    return unwritable.get();
  }

  /** A channel's outbound queue rose above its high watermark. */
  void becameUnwritable() {
    unwritable.incrementAndGet();
  }

  /**
   * A channel counted by {@link #becameUnwritable()} drained below its low watermark, or closed.
   */
  void recovered() {
    unwritable.decrementAndGet();
  }

  /** A channel was closed for staying unwritable too long. */
  void closed() {
    closed.increment();
  }
}
