package io.herald.job.unicast;

import io.herald.job.lanes.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * What unicast delivery counts: {@code herald.job.undeliverable{reason=comet_gone|rejected|
 * gave_up}}, unicast records (by keys or mids) not delivered to their Comet, skipped by policy; and
 * {@code herald.job.keys.absent}, keys a Comet reported it no longer holds.
 */
public final class UnicastMetrics {
  private final Map<Outcome, Counter> undeliverable = new EnumMap<>(Outcome.class);
  private final Counter absentKeys;

  /** Registers the meters (when the dispatcher is built, before it starts). */
  public UnicastMetrics(MeterRegistry meters) {
    undeliverable.put(Outcome.GONE, undeliverable(meters, "comet_gone"));
    undeliverable.put(Outcome.REJECTED, undeliverable(meters, "rejected"));
    undeliverable.put(Outcome.GAVE_UP, undeliverable(meters, "gave_up"));
    absentKeys =
        Counter.builder("herald.job.keys.absent")
            .description("Keys a Comet reported it no longer holds")
            .register(meters);
  }

  private static Counter undeliverable(MeterRegistry meters, String reason) {
    return Counter.builder("herald.job.undeliverable")
        .description("Unicast records not delivered to their Comet, skipped by policy")
        .tag("reason", reason)
        .register(meters);
  }

  /**
   * Counts a record whose calls ended with {@code outcome}, if that left it undelivered (GONE,
   * REJECTED or GAVE_UP).
   */
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
