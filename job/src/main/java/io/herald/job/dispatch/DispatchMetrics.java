package io.herald.job.dispatch;

import io.herald.job.lanes.Outcome;
import io.herald.proto.queue.v1.PushType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the dispatcher counts. Tag values are bounded (the enums); never a server id, key or room.
 *
 * <ul>
 *   <li>{@code herald.job.records.consumed{type=keys|mids|room|broadcast|invalid}}: records taken
 *   <li>{@code herald.job.undeliverable{reason=comet_gone|rejected|gave_up}}: unicast records (by
 *       keys or mids) not delivered to their Comet, skipped by policy
 *   <li>{@code herald.job.keys.absent}: keys a Comet reported it no longer holds
 * </ul>
 */
final class DispatchMetrics {
  static final String CONSUMED = "herald.job.records.consumed";

  private final Map<PushType, Counter> consumed = new EnumMap<>(PushType.class);
  private final Counter invalid;
  private final Map<Outcome, Counter> undeliverable = new EnumMap<>(Outcome.class);
  private final Counter absentKeys;

  DispatchMetrics(MeterRegistry meters) {
    consumed.put(PushType.PUSH_TYPE_KEYS, consumed(meters, "keys"));
    consumed.put(PushType.PUSH_TYPE_MIDS, consumed(meters, "mids"));
    consumed.put(PushType.PUSH_TYPE_ROOM, consumed(meters, "room"));
    consumed.put(PushType.PUSH_TYPE_BROADCAST, consumed(meters, "broadcast"));
    invalid = consumed(meters, "invalid");
    undeliverable.put(Outcome.GONE, undeliverable(meters, "comet_gone"));
    undeliverable.put(Outcome.REJECTED, undeliverable(meters, "rejected"));
    undeliverable.put(Outcome.GAVE_UP, undeliverable(meters, "gave_up"));
    absentKeys =
        Counter.builder("herald.job.keys.absent")
            .description("Keys a Comet reported it no longer holds")
            .register(meters);
  }

  private static Counter consumed(MeterRegistry meters, String type) {
    return Counter.builder(CONSUMED)
        .description("Push records taken from the queue, by type")
        .tag("type", type)
        .register(meters);
  }

  private static Counter undeliverable(MeterRegistry meters, String reason) {
    return Counter.builder("herald.job.undeliverable")
        .description("Unicast records not delivered to their Comet, skipped by policy")
        .tag("reason", reason)
        .register(meters);
  }

  void consumed(PushType type) {
    Counter counter = consumed.get(type);
    (counter == null ? invalid : counter).increment();
  }

  void invalid() {
    invalid.increment();
  }

  /** Counts a unicast record skipped because of {@code outcome} (GONE, REJECTED or GAVE_UP). */
  void undeliverable(Outcome outcome) {
    Counter counter = undeliverable.get(outcome);
    if (counter != null) {
      counter.increment();
    }
  }

  void absentKeys(int count) {
    absentKeys.increment(count);
  }
}
