package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.grpc.CometGrpcErrors;
import io.herald.comet.grpc.CometGrpcService;
import io.herald.comet.grpc.CometStoppingException;
import io.herald.comet.grpc.DrainStatus;
import io.herald.comet.logic.GrpcLogicClient;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.logic.OnlineReporter;
import io.herald.comet.logic.SessionResync;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.comet.transport.ConnectionLimiter;
import io.herald.comet.transport.TcpChannelInitializer;
import io.herald.comet.transport.TransportContext;
import io.herald.comet.transport.WebSocketChannelInitializer;
import io.herald.config.Durations;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.NodeRenewal;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Comet node: the client listeners, the gRPC service for Job and Logic, the client of Logic,
 * the registry record and the online reports, with their lifecycle.
 *
 * <p>The constructor does no I/O. {@link #start()} starts the parts in order — scheduler, Logic
 * client, registry, event loops, gRPC, TLS context, client listeners, registry record, online
 * reports — and {@link #stop(Duration)} stops them in reverse: reports, deregistration, listeners
 * and every client connection, gRPC, event loops, registry, Logic client (after the connections, so
 * their sessions are removed). Both are idempotent; a stopped server does not start again.
 *
 * <p>{@link #drain(List, Duration)} is the graceful way out: the record turns DRAINING at once, the
 * listeners close, every client is told to reconnect elsewhere (op 21, spread over the first half
 * of the grace period), and at the end of the grace period the server stops. {@link #terminated()}
 * completes when it has.
 *
 * <p>Metrics, besides those of its parts: {@code herald.comet.connections.authenticated}
 * (connections past AUTH; the transport's {@code herald.comet.connections{transport}} counts every
 * open one), {@code herald.comet.rooms} (rooms with members here), {@code
 * herald.comet.drain.reconnects} (RECONNECT notices sent).
 */
public final class CometServer {
  private static final Logger log = LoggerFactory.getLogger(CometServer.class);

  /** How long the stop at the end of a drain waits for each part. */
  private static final Duration DRAIN_STOP_TIMEOUT = Duration.ofSeconds(5);

  private enum State {
    NEW,
    RUNNING,
    DRAINING,
    STOPPING,
    STOPPED
  }

  private final CometConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Supplier<LogicClient> logicClients;
  private final long epoch;
  private final Buckets buckets;
  private final NodeRecord record;
  private final Counter reconnectNotices;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Deque<Consumer<Duration>> stops = new ArrayDeque<>();
  private volatile State state = State.NEW;
  private Drain drain;
  private ScheduledExecutorService scheduler;
  private NodeRenewal renewal;
  private SessionResync resync;
  private Listeners listeners;

  /** The host's registry, or null to build one from the config. */
  private final Registry providedRegistry;

  /** A Comet calling Logic over gRPC at {@code config.logic().target()}. */
  public CometServer(CometConfig config, Clock clock, PrometheusMeterRegistry meters) {
    this(config, clock, meters, () -> new GrpcLogicClient(config.logic(), meters));
  }

  /**
   * A Comet calling Logic through the client {@code logicClients} gives at {@link #start()} (e.g.
   * in-process in {@code herald standalone}); the server closes it at {@link #stop(Duration)}.
   *
   * @param clock gives the epoch (the start time, Unix ms) and the registry's timestamps
   */
  public CometServer(
      CometConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Supplier<LogicClient> logicClients) {
    this(config, clock, meters, logicClients, null);
  }

  /**
   * A Comet calling Logic over gRPC and registering in {@code registry}, which its host owns (one
   * registry for every role of {@code herald standalone}); the Comet neither starts nor stops it.
   */
  public CometServer(
      CometConfig config, Clock clock, PrometheusMeterRegistry meters, Registry registry) {
    this(config, clock, meters, () -> new GrpcLogicClient(config.logic(), meters), registry);
  }

  private CometServer(
      CometConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Supplier<LogicClient> logicClients,
      Registry providedRegistry) {
    this.providedRegistry = providedRegistry;
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.logicClients = logicClients;
    this.epoch = clock.millis();
    this.buckets = new Buckets(config.protocol().buckets());
    this.record = new NodeRecord(config, epoch, buckets, this::leaving);
    Gauge.builder("herald.comet.connections.authenticated", buckets, Buckets::size)
        .description("Authenticated client connections on this Comet")
        .register(meters);
    Gauge.builder("herald.comet.rooms", buckets, b -> b.roomCounts().size())
        .description("Rooms with members on this Comet")
        .register(meters);
    this.reconnectNotices =
        Counter.builder("herald.comet.drain.reconnects")
            .description("RECONNECT notices sent to clients while draining")
            .register(meters);
  }

  /**
   * Starts every part, in order.
   *
   * @throws IllegalStateException if a port cannot be bound or the TLS files cannot be read; the
   *     parts already started are stopped again
   */
  public synchronized void start() {
    if (state != State.NEW) {
      return;
    }
    try {
      startParts();
      state = State.RUNNING;
    } catch (RuntimeException e) {
      state = State.STOPPING;
      stopParts(Duration.ofSeconds(1));
      state = State.STOPPED;
      terminated.complete(null);
      throw e;
    }
    log.info("Comet {} started (epoch {}): {}", config.node().serverId(), epoch, record);
    if (record.loopbackOnly()) {
      log.warn(
          "Comet {} registers 127.0.0.1 addresses (listen.host {}); set node.tcpAddress,"
              + " node.wsAddress and node.grpcAddress for other machines to reach it",
          config.node().serverId(),
          config.listen().host());
    }
  }

  private void startParts() {
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

    EventLoops loops = EventLoops.create(Runtime.getRuntime().availableProcessors());
    stops.push(loops::shutdown);

    OnlineReporter reporter =
        new OnlineReporter(
            logic,
            buckets,
            config.node().serverId(),
            epoch,
            config.onlineReport(),
            incarnation -> this.resync.incarnation(incarnation),
            scheduler,
            meters);
    SessionResync resync =
        new SessionResync(
            logic,
            buckets,
            config.node().serverId(),
            epoch,
            () -> reporter.report(),
            config.registry().pollInterval().multipliedBy(2).plusSeconds(1),
            scheduler,
            meters);
    this.resync = resync;

    GrpcEndpoint grpc =
        new GrpcEndpoint(
            config.listen().host(),
            config.listen().grpcPort(),
            new CometGrpcService(
                new Pusher(buckets, meters),
                buckets,
                config.node().serverId(),
                epoch,
                config.protocol().maxBodyBytes(),
                config.drain(),
                this::drain,
                resync::requested),
            new CometGrpcErrors(this::stopping, meters));
    stops.push(grpc::stop);

    CometConfig.Listen listen = config.listen();
    SslContext tls =
        listen.wssPort() != 0 || listen.tcpTlsPort() != 0
            ? Listeners.sslContext(listen.tls())
            : null;
    if (tls != null) {
      stops.push(grace -> ReferenceCountUtil.release(tls));
    }
    listeners = new Listeners(loops, listen.host());
    Listeners listeners = this.listeners;
    stops.push(listeners::close);
    bindListeners(listeners, logic, tls);

    NodeRenewal renewal =
        new NodeRenewal(
            registry, record::current, config.registry().renewInterval(), scheduler, meters);
    this.renewal = renewal;
    renewal.start();
    stops.push(grace -> deregister(renewal, grace));
    RegistryListener recordWatch = new OwnRecordWatch(config.node().serverId(), this::recordLost);
    registry.addListener(recordWatch);
    stops.push(grace -> registry.removeListener(recordWatch));

    if (listen.adminPort() > 0) {
      AdminEndpoint admin =
          AdminEndpoint.start(
              listen.host(),
              listen.adminPort(),
              () -> !stopping(),
              () -> state == State.RUNNING,
              meters);
      stops.push(grace -> admin.stop());
    }

    reporter.start();
    stops.push(grace -> reporter.stop());
  }

  /**
   * This Comet's registry record is gone from the registry (an emptied Redis, or renewals that
   * failed for a TTL): writes it again at once and re-announces the sessions, which every Logic
   * purges when it sees the record leave.
   */
  private void recordLost() {
    if (state != State.RUNNING && state != State.DRAINING) {
      return;
    }
    log.warn(
        "Comet {}'s registry record is gone; registering again and re-announcing its sessions",
        config.node().serverId());
    var unused = renewal.renewNow();
    resync.recordLost();
  }

  private void bindListeners(Listeners listeners, LogicClient logic, SslContext tls) {
    CometConfig.Listen listen = config.listen();
    TransportContext transport =
        new TransportContext(
            config,
            config.node().serverId(),
            epoch,
            buckets,
            logic,
            meters,
            new ConnectionLimiter(config.limits(), meters));
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
   * Starts draining: the registry record turns DRAINING at once (readers see it at their next
   * poll), the listeners stop accepting, every client gets a RECONNECT (op 21) naming {@code hints}
   * for its transport — spread over the first half of {@code grace} — and at the end of {@code
   * grace} the server stops, closing the connections left. Returns at once; {@link #terminated()}
   * completes when the server has stopped. A second call changes nothing and reports the first
   * drain.
   *
   * @param hints nodes to suggest, best first; empty: clients ask the Balancer
   * @throws IllegalStateException if the server has not started
   * @throws CometStoppingException if it is stopping or stopped
   */
  public synchronized DrainStatus drain(List<NodeAddress> hints, Duration grace) {
    switch (state) {
      case NEW -> throw new IllegalStateException("the Comet has not started");
      case DRAINING -> {
        return drain.again();
      }
      case STOPPING, STOPPED -> throw new CometStoppingException("the Comet is stopping");
      case RUNNING -> {}
    }
    state = State.DRAINING;
    var unused = renewal.renewNow();
    listeners.closeListeners();
    drain =
        Drain.start(
            buckets,
            hints,
            clock.instant(),
            grace,
            scheduler,
            reconnectNotices,
            this::stopAfterDrain);
    log.info(
        "Comet {} draining {} connections within {} (hints: {})",
        config.node().serverId(),
        drain.status().connections(),
        Durations.format(grace),
        hints.stream().map(NodeAddress::getServerId).toList());
    return drain.status();
  }

  private void stopAfterDrain() {
    // Not on the scheduler's own thread, which the stop shuts down.
    Thread stopper =
        new Thread(
            () -> {
              log.info(
                  "Comet {} drained; closing {} connections left",
                  config.node().serverId(),
                  listeners.clients());
              stop(DRAIN_STOP_TIMEOUT);
            },
            "herald-comet-stop");
    stopper.start();
  }

  /**
   * Stops every part in reverse order, closing client connections without notice; waits for each
   * part at most {@code timeout}. Returns when the server has stopped (also when another thread is
   * stopping it). Idempotent.
   */
  public void stop(Duration timeout) {
    boolean stopsHere;
    synchronized (this) {
      stopsHere = state == State.RUNNING || state == State.DRAINING;
      if (stopsHere) {
        state = State.STOPPING;
      } else if (state == State.NEW) {
        state = State.STOPPED;
        terminated.complete(null);
      }
    }
    if (!stopsHere) {
      terminated.join();
      return;
    }
    try {
      if (drain != null) {
        drain.cancel();
      }
      stopParts(timeout);
      log.info("Comet {} stopped", config.node().serverId());
    } finally {
      state = State.STOPPED;
      terminated.complete(null);
    }
  }

  private void stopParts(Duration timeout) {
    while (!stops.isEmpty()) {
      try {
        stops.pop().accept(timeout);
      } catch (RuntimeException e) {
        log.warn("Stopping a part of Comet {} failed", config.node().serverId(), e);
      }
    }
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

  /** Completes when the server has stopped, by {@link #stop(Duration)} or at the end of a drain. */
  public CompletableFuture<Void> terminated() {
    return terminated.copy();
  }

  /** Whether the server is draining (and not yet stopping). */
  public boolean draining() {
    return state == State.DRAINING;
  }

  /** Whether the registry should see this node leaving: draining, or stopping. */
  private boolean leaving() {
    State current = state;
    return current == State.DRAINING || current == State.STOPPING || current == State.STOPPED;
  }

  private boolean stopping() {
    State current = state;
    return current == State.STOPPING || current == State.STOPPED;
  }

  /** This Comet's epoch: its start time, Unix ms, taken from the clock at construction. */
  public long epoch() {
    return epoch;
  }

  /** The registry record this Comet would write now. */
  public CometNode node() {
    return record.current();
  }

  /** The connections and rooms on this Comet. */
  public Buckets buckets() {
    return buckets;
  }

  /** The meters of this Comet, to scrape. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  @Override
  public String toString() {
    return "CometServer(" + config.node().serverId() + ", " + state + ")";
  }
}
