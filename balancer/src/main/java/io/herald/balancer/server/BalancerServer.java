package io.herald.balancer.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ClientAddressSource;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import io.grpc.Status;
import io.herald.balancer.NodeSelector;
import io.herald.balancer.NodeSelectors;
import io.herald.ops.armeria.GrpcStatusHandler;
import io.herald.ops.armeria.OperatorServices;
import io.herald.ops.armeria.TrustedProxies;
import io.herald.ops.grpc.StatusMapping;
import io.herald.registry.Registry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.NoSuchElementException;
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

  /**
   * The gRPC services' failures as statuses: a bad argument is INVALID_ARGUMENT, a Comet the
   * registry does not hold ({@code Registry.GetNode}) NOT_FOUND.
   */
  static final StatusMapping STATUSES =
      StatusMapping.builder().map(NoSuchElementException.class, Status.Code.NOT_FOUND).build();

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
    BalancerConfig.Server listen = config.server();
    InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
    ServerBuilder builder = TrustedProxies.trust(Server.builder(), listen.trustedProxies());
    if (listen.proxyProtocol()) {
      // Armeria detects the header (v1 or v2) and takes its source as the client, from any peer.
      // From a trusted proxy too: a header beats X-Forwarded-For, which counts only on connections
      // without one (an L4 balancer forwards whatever the client wrote).
      builder
          .port(address, SessionProtocol.PROXY, SessionProtocol.HTTP)
          .clientAddressSources(
              ClientAddressSource.ofProxyProtocol(),
              ClientAddressSource.ofHeader(HttpHeaderNames.X_FORWARDED_FOR));
    } else {
      builder.http(address);
    }
    return builder
        .route()
        .get("/nodes")
        .build(new NodesHttpService(selector, metrics))
        .service(
            GrpcService.builder()
                .addService(new BalancerGrpcService(selector, metrics))
                .addService(new RegistryGrpcService(registry))
                .exceptionHandler(new GrpcStatusHandler(STATUSES))
                .build())
        .service("/health", HealthCheckService.of(ready))
        .service("/metrics", OperatorServices.metrics(meters));
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
