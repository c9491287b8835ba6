package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.grpc.AdminCalls;
import io.herald.comet.grpc.CometGrpcErrors;
import io.herald.comet.grpc.CometGrpcService;
import io.herald.comet.grpc.Drainer;
import io.herald.comet.logic.CometInstance;
import io.herald.comet.logic.CursorBatcher;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.logic.OnlineReporter;
import io.herald.comet.logic.SessionResync;
import io.herald.comet.push.Deliveries;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.comet.transport.ConnectionLimiter;
import io.herald.comet.transport.TcpChannelInitializer;
import io.herald.comet.transport.TransportContext;
import io.herald.comet.transport.WebSocketChannelInitializer;
import io.herald.config.Durations;
import io.herald.config.Hosts;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tracing.GrpcTracing;
import io.herald.ops.tracing.Tracing;
import io.herald.registry.NodeRenewal;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryListener;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts one Comet wires together, started in order — scheduler, Logic client, registry, event
 * loops, the cursor batcher, gRPC, TLS context, client listeners, registry record, operator port,
 * online reports — and stopped in reverse: each part's stop is pushed as it starts. What the parts
 * ask of the server's lifecycle comes in as {@link Hooks}; the state itself (running, draining,
 * stopping) is {@link CometServer}'s. Started at most once; {@link #stop} is idempotent.
 */
final class CometParts {
  private static final Logger log = LoggerFactory.getLogger(CometParts.class);

  /**
   * What the parts ask of the server.
   *
   * @param drainer starts a drain (the gRPC {@code Drain})
   * @param stopping whether the server is stopping (gRPC answers UNAVAILABLE, not live)
   * @param ready whether the server is running and not draining (readiness)
   * @param recordLost told when this Comet's registry record is found gone
   */
  record Hooks(
      Drainer drainer, BooleanSupplier stopping, BooleanSupplier ready, Runnable recordLost) {}

  private final CometConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Supplier<LogicClient> logicClients;
  private final Registry providedRegistry;
  private final long epoch;
  private final Buckets buckets;
  private final NodeRecord record;
  private final Hooks hooks;
  private final Deque<Consumer<Duration>> stops = new ArrayDeque<>();
  private ScheduledExecutorService scheduler;
  private NodeRenewal renewal;
  private SessionResync resync;
  private Listeners listeners;
  private final Tracing tracing;

  /**
   * @param providedRegistry the host's registry, which the Comet neither starts nor stops; {@code
   *     null} to build one from the config
   */
  CometParts(
      CometConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Supplier<LogicClient> logicClients,
      Registry providedRegistry,
      long epoch,
      Buckets buckets,
      NodeRecord record,
      Hooks hooks,
      Tracing tracing) {
    this.tracing = tracing;
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.logicClients = logicClients;
    this.providedRegistry = providedRegistry;
    this.epoch = epoch;
    this.buckets = buckets;
    this.record = record;
    this.hooks = hooks;
  }

  /**
   * Starts every part, in order.
   *
   * @throws IllegalStateException if a port cannot be bound or the TLS files cannot be read; the
   *     parts already started are left for {@link #stop} to stop
   */
  void start() {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "herald-comet-lifecycle");
              thread.setDaemon(true);
              return thread;
            });
    this.scheduler = scheduler;
    stops.push(grace -> scheduler.shutdownNow());

    LogicClient logic = logicClients.get();
    stops.push(grace -> logic.close());

    Registry registry =
        providedRegistry != null
            ? Registries.unowned(providedRegistry)
            : Registries.create(config.registry(), clock, meters);
    registry.start();
    stops.push(grace -> registry.stop());

    EventLoops loops =
        EventLoops.create(config.listen().transport(), Runtime.getRuntime().availableProcessors());
    stops.push(loops::shutdown);

    String serverId = config.node().serverId();
    CometInstance self = new CometInstance(serverId, epoch);
    OnlineReporter reporter =
        new OnlineReporter(
            logic,
            buckets,
            self,
            config.onlineReport(),
            incarnation -> this.resync.incarnation(incarnation),
            scheduler,
            meters);
    SessionResync resync =
        new SessionResync(
            logic,
            buckets,
            self,
            () -> reporter.report(),
            config.registry().pollInterval().multipliedBy(2).plusSeconds(1),
            scheduler,
            meters);
    this.resync = resync;

    Deliveries deliveries = new Deliveries(config.delivery(), meters);
    CursorBatcher cursors =
        new CursorBatcher(logic, serverId, config.delivery().cursorFlush(), scheduler, meters);
    cursors.start();
    stops.push(grace -> cursors.stop());

    GrpcTls grpcTls =
        GrpcTls.server("comet", "grpc", "listen.grpcTls", config.listen().grpcTls(), meters);
    stops.push(grace -> grpcTls.close());
    AdminCalls adminCalls = adminCalls(config);
    GrpcEndpoint grpc =
        new GrpcEndpoint(
            config.listen().host(),
            config.listen().grpcPort(),
            grpcTls.serverCredentials(),
            new CometGrpcService(
                new Pusher(buckets, meters, deliveries),
                buckets,
                serverId,
                epoch,
                config.protocol().maxBodyBytes(),
                config.drain(),
                hooks.drainer(),
                resync::requested,
                tracing),
            adminCalls,
            new CometGrpcErrors(hooks.stopping(), meters),
            GrpcTracing.serverInterceptor(tracing));
    stops.push(grpc::stop);

    CometConfig.Listen listen = config.listen();
    ClientTls tls =
        listen.wssPort() != 0 || listen.tcpTlsPort() != 0
            ? ClientTls.start(listen.tls(), meters)
            : null;
    if (tls != null) {
      stops.push(grace -> tls.close());
    }
    Listeners listeners = new Listeners(loops, listen.host());
    this.listeners = listeners;
    stops.push(listeners::close);
    bindListeners(listeners, logic, self, tls, deliveries, cursors);

    NodeRenewal renewal =
        new NodeRenewal(
            registry, record::current, config.registry().renewInterval(), scheduler, meters);
    this.renewal = renewal;
    renewal.start();
    stops.push(grace -> deregister(renewal, grace));
    RegistryListener recordWatch = new OwnRecordWatch(serverId, hooks.recordLost());
    registry.addListener(recordWatch);
    stops.push(grace -> registry.removeListener(recordWatch));

    if (listen.adminPort() > 0) {
      AdminEndpoint admin =
          AdminEndpoint.start(
              listen.host(),
              listen.adminPort(),
              () -> !hooks.stopping().getAsBoolean(),
              hooks.ready(),
              meters);
      stops.push(grace -> admin.stop());
    }

    reporter.start();
    stops.push(grace -> reporter.stop());
  }

  private void bindListeners(
      Listeners listeners,
      LogicClient logic,
      CometInstance self,
      ClientTls tls,
      Deliveries deliveries,
      CursorBatcher cursors) {
    CometConfig.Listen listen = config.listen();
    TransportContext transport =
        new TransportContext(
            config,
            self,
            buckets,
            logic,
            meters,
            new ConnectionLimiter(config.limits(), meters),
            deliveries,
            cursors);
    listeners.bind("tcp", listen.tcpPort(), new TcpChannelInitializer(transport, null));
    if (listen.wsPort() != 0) {
      listeners.bind("ws", listen.wsPort(), new WebSocketChannelInitializer(transport, null));
    }
    if (listen.wssPort() != 0) {
      listeners.bind("wss", listen.wssPort(), new WebSocketChannelInitializer(transport, tls));
    }
    if (listen.tcpTlsPort() != 0) {
      listeners.bind("tcp+tls", listen.tcpTlsPort(), new TcpChannelInitializer(transport, tls));
    }
  }

  /**
   * Writes the registry record again at once and re-announces the sessions, which every Logic
   * purges when it sees the record leave.
   */
  void reannounce() {
    var unused = renewal.renewNow();
    resync.recordLost();
  }

  /** Renews the registry record now (it changed: draining). */
  void renewNow() {
    var unused = renewal.renewNow();
  }

  /** The client listeners and their connections. */
  Listeners listeners() {
    return listeners;
  }

  /** Runs the Comet's timers (drain notices, reports, renewals); shut down by {@link #stop}. */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Stops the parts started, in reverse order, waiting for each at most {@code timeout}. */
  void stop(Duration timeout) {
    while (!stops.isEmpty()) {
      try {
        stops.pop().accept(timeout);
      } catch (RuntimeException e) {
        log.warn("Stopping a part of Comet {} failed", config.node().serverId(), e);
      }
    }
  }

  /**
   * Who may call {@code Drain} on the gRPC port: {@code admin.tokens}, or anyone who reaches a port
   * bound to loopback or behind mutual TLS. Says at start when no one may (the port is bound beyond
   * loopback without either), so an operator finds out before the console's drain fails.
   */
  private static AdminCalls adminCalls(CometConfig config) {
    CometConfig.Listen listen = config.listen();
    boolean portIsPrivate = Hosts.isLoopback(listen.host()) || listen.grpcTls().enabled();
    List<String> tokens = config.admin().tokens();
    if (tokens.isEmpty() && !portIsPrivate) {
      log.info(
          "gRPC Drain refused on {}:{}: it is bound beyond loopback without admin.tokens or"
              + " listen.grpcTls (SIGTERM still drains; docs/security.md)",
          listen.host(),
          listen.grpcPort());
    }
    return new AdminCalls(tokens, portIsPrivate);
  }

  private void deregister(NodeRenewal renewal, Duration timeout) {
    try {
      renewal.stop().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Comet {} could not deregister; its record expires within {}",
          config.node().serverId(),
          Durations.format(config.registry().ttl()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
