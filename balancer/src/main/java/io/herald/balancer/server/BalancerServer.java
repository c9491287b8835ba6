package io.herald.balancer.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.util.InetAddressPredicates;
import com.linecorp.armeria.server.ClientAddressSource;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import io.herald.balancer.NodeSelector;
import io.herald.balancer.NodeSelectors;
import io.herald.registry.Registry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Balancer service: {@code GET /nodes}, gRPC {@code Balancer} and {@code Registry}, {@code
 * /health} (ready once the registry has answered) and {@code /metrics} (Prometheus), on one port.
 * The constructor does no I/O; {@link #start()} opens the GeoIP database, starts the registry and
 * binds; {@link #stop()} undoes it in reverse. Both are idempotent.
 */
public final class BalancerServer {
  private static final Logger log = LoggerFactory.getLogger(BalancerServer.class);

  private final BalancerConfig config;
  private final Registry registry;
  private final PrometheusMeterRegistry meters;
  private final SettableHealthChecker ready = new SettableHealthChecker(false);
  private Server server;
  private NodeSelectors.Opened selection;

  public BalancerServer(BalancerConfig config, Registry registry, PrometheusMeterRegistry meters) {
    this.config = config;
    this.registry = registry;
    this.meters = meters;
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    selection = NodeSelectors.open(config.selection(), registry);
    registry.start();
    // Ready once the registry has answered; stays unready (503 on /health) until then.
    var unused = registry.ready().thenRun(() -> ready.setHealthy(true));
    server = build(selection.selector()).build();
    server.start().join();
    log.info("Balancer listening on {}:{}", config.server().host(), port());
  }

  private ServerBuilder build(NodeSelector selector) {
    BalancerMetrics metrics = new BalancerMetrics(meters);
    ServerBuilder builder =
        Server.builder()
            .http(new InetSocketAddress(config.server().host(), config.server().port()))
            .clientAddressSources(ClientAddressSource.ofHeader(HttpHeaderNames.X_FORWARDED_FOR))
            .clientAddressTrustedProxyFilter(trustedProxies())
            .route()
            .get("/nodes")
            .build(new NodesHttpService(selector, metrics))
            .service(
                GrpcService.builder()
                    .addService(new BalancerGrpcService(selector, metrics))
                    .addService(new RegistryGrpcService(registry))
                    .exceptionHandler(new GrpcErrors())
                    .build())
            .service("/health", HealthCheckService.of(ready))
            .service(
                "/metrics",
                (ctx, req) ->
                    HttpResponse.of(
                        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                        meters.scrape()));
    return builder;
  }

  private Predicate<InetAddress> trustedProxies() {
    Predicate<InetAddress> trusted = address -> false;
    for (String cidr : config.server().trustedProxies()) {
      trusted = trusted.or(InetAddressPredicates.ofCidr(cidr));
    }
    return trusted;
  }

  /** The bound port (useful when the configured one is 0 in tests). */
  public int port() {
    return server.activeLocalPort();
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    ready.setHealthy(false);
    server.stop().join();
    registry.stop();
    selection.close();
    server = null;
  }
}
