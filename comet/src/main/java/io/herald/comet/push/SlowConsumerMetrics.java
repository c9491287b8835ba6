package io.herald.comet.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link SlowConsumerHandler}s count, shared by all of them: make one per Comet (per registry)
 * and hand it to every handler. {@code herald.comet.write.queue.unwritable} is the number of
 * channels whose outbound queue is above its high watermark right now (write-queue pressure);
 * {@code herald.comet.slow.consumers.closed} counts channels closed for staying so too long.
 */
public final class SlowConsumerMetrics {
  static final String UNWRITABLE = "herald.comet.write.queue.unwritable";
  static final String CLOSED = "herald.comet.slow.consumers.closed";

  private final AtomicInteger unwritable = new AtomicInteger();
  private final Counter closed;

  public SlowConsumerMetrics(MeterRegistry registry) {
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
  public int unwritable() {
    return unwritable.get();
  }

  void becameUnwritable() {
    unwritable.incrementAndGet();
  }

  void recovered() {
    unwritable.decrementAndGet();
  }

  void closed() {
    closed.increment();
  }
}
