package io.herald.bench.load;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a client fleet received: messages, gaps and reorders in each connection's sequence, and
 * publish-to-receive latency in microseconds. Written from event loops, read by the reporter.
 */
public final class DeliveryStats {
  /** Latencies above an hour are recorded as an hour. */
  private static final long MAX_MICROS = 3_600_000_000L;

  private final LongAdder delivered = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final LongAdder reordered = new LongAdder();
  private final Recorder latency = new Recorder(MAX_MICROS, 3);
  private Histogram total = new Histogram(MAX_MICROS, 3);

  void record(long seq, long lastSeq, long latencyMicros) {
    delivered.increment();
    if (seq > lastSeq + 1 && lastSeq >= 0) {
      gaps.add(seq - lastSeq - 1);
    } else if (seq <= lastSeq) {
      reordered.increment();
    }
    latency.recordValue(Math.min(MAX_MICROS, Math.max(0, latencyMicros)));
  }

  /** Messages received since the last {@link #reset()}. */
  public long delivered() {
    return delivered.sum();
  }

  /** Sequence numbers skipped (lost or not yet arrived) as seen by each connection. */
  public long gaps() {
    return gaps.sum();
  }

  /** Messages that arrived with a sequence number not above the connection's last. */
  public long reordered() {
    return reordered.sum();
  }

  /** All latencies since the last reset. */
  public synchronized Histogram latency() {
    total.add(latency.getIntervalHistogram());
    return total.copy();
  }

  /** Forgets everything counted so far. */
  public synchronized void reset() {
    delivered.reset();
    gaps.reset();
    reordered.reset();
    latency.reset();
    total = new Histogram(MAX_MICROS, 3);
  }
}
