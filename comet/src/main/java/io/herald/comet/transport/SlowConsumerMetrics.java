package io.herald.comet.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the slow-consumer policy counts, shared by every client channel: make one per Comet (per
 * registry) and hand it to the transport, whose per-channel handler watches the channel's
 * writability (see {@code io.herald.comet.transport.ClientHandler}). {@code
 * herald.comet.write.queue.unwritable} is the number of channels whose outbound queue is above its
 * high watermark right now (write-queue pressure); {@code herald.comet.slow.consumers.closed}
 * counts channels closed for staying so too long.
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

  /** A channel's outbound queue rose above its high watermark. */
  public void becameUnwritable() {
    unwritable.incrementAndGet();
  }

  /**
   * A channel counted by {@link #becameUnwritable()} drained below its low watermark, or closed.
   */
  public void recovered() {
    unwritable.decrementAndGet();
  }

  /** A channel was closed for staying unwritable too long. */
  public void closed() {
    closed.increment();
  }
}
