package io.herald.job.rooms;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What room delivery counts: {@code herald.job.room.batch.messages} and {@code
 * herald.job.room.batch.bytes}, the size of each room batch sent, and {@code
 * herald.job.room.skipped}, room batches no registered Comet holds members for.
 */
public final class RoomMetrics {
  private final DistributionSummary batchMessages;
  private final DistributionSummary batchBytes;
  private final Counter skipped;

  /** Registers the meters (when the dispatcher is built, before it starts). */
  public RoomMetrics(MeterRegistry meters) {
    batchMessages =
        DistributionSummary.builder("herald.job.room.batch.messages")
            .description("Messages per room batch sent")
            .register(meters);
    batchBytes =
        DistributionSummary.builder("herald.job.room.batch.bytes")
            .description("Body bytes per room batch sent")
            .baseUnit("bytes")
            .register(meters);
    skipped =
        Counter.builder("herald.job.room.skipped")
            .description("Room batches no registered Comet holds members for")
            .register(meters);
  }

  void batch(RoomBatch batch) {
    batchMessages.record(batch.frames().size());
    batchBytes.record(batch.bytes());
  }

  void skipped() {
    skipped.increment();
  }
}
