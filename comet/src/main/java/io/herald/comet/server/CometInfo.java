package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.config.Transport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;

/**
 * Who this Comet is, as meters: {@code herald.comet.info{server, region, transport}}, always 1
 * ({@code transport}: io_uring, epoll or nio, what {@code listen.transport} resolved to), and
 * {@code herald.comet.draining}, 1 while the Comet drains. The info meter carries the Comet's
 * identity once, so no other meter needs those tags: a dashboard joins on the scrape's {@code
 * instance} (e.g. {@code sum by (region) (herald_comet_connections * on (instance) group_left
 * (region) herald_comet_info)}). Its tag values are bounded by the deployment: one server id and
 * one region per process; a Comet with no region configured reports {@value #NO_REGION}.
 */
final class CometInfo {
  static final String INFO = "herald.comet.info";
  static final String DRAINING = "herald.comet.draining";
  static final String NO_REGION = "none";

  private CometInfo() {}

  static void register(
      CometConfig.Node node, Transport transport, BooleanSupplier draining, MeterRegistry meters) {
    Gauge.builder(INFO, () -> 1)
        .description(
            "This Comet's server id, region and network transport (always 1), for joins on"
                + " instance")
        .tag("server", node.serverId())
        .tag("region", node.region().isEmpty() ? NO_REGION : node.region())
        .tag("transport", transport.label())
        .register(meters);
    Gauge.builder(DRAINING, draining, d -> d.getAsBoolean() ? 1 : 0)
        .description("1 while this Comet drains (tells its clients to reconnect elsewhere)")
        .register(meters);
  }
}
