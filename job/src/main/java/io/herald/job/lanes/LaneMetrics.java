package io.herald.job.lanes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the lanes count. Tag values are the enums; never a server id, key or room.
 *
 * <ul>
 *   <li>{@code herald.job.fanout{call=push|room|broadcast, result=ok|rejected|gone|gave_up|
 *       abandoned|stopped}}: Comet calls, by how they ended
 *   <li>{@code herald.job.fanout.retries{call}}: failed attempts that were retried
 *   <li>{@code herald.job.delivery.latency{call}}: from Logic's accept to the Comet's OK (for a
 *       batch, from its oldest message)
 * </ul>
 */
public final class LaneMetrics {
  private final Map<CallKind, Map<Outcome, Counter>> fanout = new EnumMap<>(CallKind.class);
  private final Map<CallKind, Counter> retries = new EnumMap<>(CallKind.class);
  private final Map<CallKind, Timer> latency = new EnumMap<>(CallKind.class);

  private final MeterRegistry meters;

  /** Registers the meters (when the dispatcher is built, before it starts). */
  public LaneMetrics(MeterRegistry meters) {
    this.meters = meters;
    for (CallKind kind : CallKind.values()) {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(
            outcome,
            Counter.builder("herald.job.fanout")
                .description("Comet calls, by call and how they ended")
                .tag("call", kind.tag)
                .tag("result", outcome.tag)
                .register(meters));
      }
      fanout.put(kind, byOutcome);
      retries.put(
          kind,
          Counter.builder("herald.job.fanout.retries")
              .description("Failed Comet call attempts that were retried")
              .tag("call", kind.tag)
              .register(meters));
      latency.put(
          kind,
          Timer.builder("herald.job.delivery.latency")
              .description("From Logic's accept of a push to the Comet's OK")
              .tag("call", kind.tag)
              .register(meters));
    }
  }

  void call(CallKind kind, Outcome outcome) {
    fanout.get(kind).get(outcome).increment();
  }

  void retried(CallKind kind) {
    retries.get(kind).increment();
  }

  void latency(CallKind kind, long acceptUnixMs, long nowMillis) {
    if (acceptUnixMs > 0 && nowMillis >= acceptUnixMs) {
      latency.get(kind).record(Duration.ofMillis(nowMillis - acceptUnixMs));
    }
  }

  /** The registry the meters are in (for the Comet links' TLS reload counts). */
  MeterRegistry registry() {
    return meters;
  }
}
