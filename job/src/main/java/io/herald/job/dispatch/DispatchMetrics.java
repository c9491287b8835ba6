package io.herald.job.dispatch;

import io.herald.proto.queue.v1.PushType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the routing counts: {@code herald.job.records.consumed{type=keys|mids|room|broadcast|
 * invalid}}, records taken, by type ({@code invalid}: records Job cannot route). The deliveries and
 * the lanes count the rest ({@code UnicastMetrics}, {@code RoomMetrics}, {@code LaneMetrics}).
 */
final class DispatchMetrics {
  static final String CONSUMED = "herald.job.records.consumed";

  private final Map<PushType, Counter> consumed = new EnumMap<>(PushType.class);
  private final Counter invalid;

  DispatchMetrics(MeterRegistry meters) {
    consumed.put(PushType.PUSH_TYPE_KEYS, consumed(meters, "keys"));
    consumed.put(PushType.PUSH_TYPE_MIDS, consumed(meters, "mids"));
    consumed.put(PushType.PUSH_TYPE_ROOM, consumed(meters, "room"));
    consumed.put(PushType.PUSH_TYPE_BROADCAST, consumed(meters, "broadcast"));
    invalid = consumed(meters, "invalid");
  }

  private static Counter consumed(MeterRegistry meters, String type) {
    return Counter.builder(CONSUMED)
        .description("Push records taken from the queue, by type")
        .tag("type", type)
        .register(meters);
  }

  void consumed(PushType type) {
    Counter counter = consumed.get(type);
    (counter == null ? invalid : counter).increment();
  }

  void invalid() {
    invalid.increment();
  }
}
