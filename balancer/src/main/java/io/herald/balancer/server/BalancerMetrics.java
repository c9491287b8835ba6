package io.herald.balancer.server;

import io.herald.balancer.Selection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The Balancer's meters: {@code herald.balancer.requests{transport,result}} and {@code
 * herald.balancer.located{source}} (how clients were placed), plus an empty-reply count. Every tag
 * value comes from a small fixed set.
 */
final class BalancerMetrics {
  private final MeterRegistry meters;

  BalancerMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void answered(String transport, Selection selection) {
    request(transport, selection.nodes().isEmpty() ? "no_nodes" : "ok").increment();
    meters
        .counter(
            "herald.balancer.located",
            "source",
            selection.location().source().name().toLowerCase(Locale.ROOT))
        .increment();
  }

  void badRequest(String transport) {
    request(transport, "bad_request").increment();
  }

  private Counter request(String transport, String result) {
    return meters.counter("herald.balancer.requests", "transport", transport, "result", result);
  }
}
