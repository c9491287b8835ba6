package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.grpc.CometStoppingException;
import io.herald.comet.grpc.DrainStatus;
import io.herald.comet.logic.GrpcLogicClient;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.session.Buckets;
import io.herald.config.Durations;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.Registry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Comet node's lifecycle: the client listeners, the gRPC service for Job and Logic, the client
 * of Logic, the registry record and the online reports (wired by its {@link CometParts}), and the
 * state they go through — new, running, draining, stopping, stopped.
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

  /** Time allowed past the drain grace for the stop itself ({@link #drainThenStop}). */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

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
  private final long epoch;
  private final Buckets buckets;
  private final NodeRecord record;
  private final CometParts parts;
  private final Counter reconnectNotices;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile State state = State.NEW;
  private Drain drain;

  /** A Comet calling Logic over gRPC at {@code config.logic().target()}. */
  public CometServer(CometConfig config, Clock clock, PrometheusMeterRegistry meters) {
    this(config, clock, meters, Tracing.off());
  }

  /**
   * A Comet calling Logic over gRPC, tracing the pushes it writes under the trace context of the
   * calls that bring them ({@code docs/tracing.md}).
   */
  public CometServer(
      CometConfig config, Clock clock, PrometheusMeterRegistry meters, Tracing tracing) {
    this(config, clock, meters, () -> new GrpcLogicClient(config.logic(), meters), null, tracing);
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
    this(config, clock, meters, logicClients, null, Tracing.off());
  }

  /**
   * A Comet calling Logic over gRPC and registering in {@code registry}, which its host owns (one
   * registry for every role of {@code herald standalone}); the Comet neither starts nor stops it.
   */
  public CometServer(
      CometConfig config, Clock clock, PrometheusMeterRegistry meters, Registry registry) {
    this(config, clock, meters, registry, Tracing.off());
  }

  /** As above, tracing the pushes it writes. */
  public CometServer(
      CometConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Registry registry,
      Tracing tracing) {
    this(
        config,
        clock,
        meters,
        () -> new GrpcLogicClient(config.logic(), meters),
        registry,
        tracing);
  }

  private CometServer(
      CometConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Supplier<LogicClient> logicClients,
      Registry providedRegistry,
      Tracing tracing) {
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.epoch = clock.millis();
    this.buckets = new Buckets(config.protocol().buckets());
    this.record = new NodeRecord(config, epoch, buckets, this::leaving);
    this.parts =
        new CometParts(
            config,
            clock,
            meters,
            logicClients,
            providedRegistry,
            epoch,
            buckets,
            record,
            new CometParts.Hooks(
                this::drain, this::stopping, () -> state == State.RUNNING, this::recordLost),
            tracing);
    CometInfo.register(
        config.node(),
        EventLoops.resolve(config.listen().transport()),
        () -> state == State.DRAINING,
        meters);
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
      parts.start();
      state = State.RUNNING;
    } catch (RuntimeException e) {
      state = State.STOPPING;
      parts.stop(Duration.ofSeconds(1));
      state = State.STOPPED;
      terminated.complete(null);
      throw e;
    }
    log.info("Comet {} started (epoch {}): {}", config.node().serverId(), epoch, record);
    if (record.loopbackOnly()) {
      log.warn(
          "Comet {} registers 127.0.0.1 addresses (listen.host {}); set node.host (or"
              + " node.tcpAddress, node.wsAddress and node.grpcAddress) for other machines to"
              + " reach it",
          config.node().serverId(),
          config.listen().host());
    }
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
    parts.reannounce();
  }

  /**
   * Loads the TLS certificate chain and key {@code config} names when a TLS listener is on, and the
   * mutual TLS files of the gRPC port and the link to Logic when those are on, as {@link #start()}
   * would: what a launcher checks before it waits for Logic and the registry.
   *
   * @throws io.herald.config.ConfigException naming the files and why they cannot be used
   */
  public static void checkTls(CometConfig config) {
    CometConfig.Listen listen = config.listen();
    if (listen.wssPort() != 0 || listen.tcpTlsPort() != 0) {
      ReferenceCountUtil.release(ClientTls.build(listen.tls()));
    }
    MeterRegistry unused = new SimpleMeterRegistry();
    GrpcTls.server("comet", "grpc", "listen.grpcTls", listen.grpcTls(), unused).close();
    GrpcTls.client("comet", "logic", "logic.tls", config.logic().tls(), unused).close();
  }

  /**
   * Starts draining: the registry record turns DRAINING at once (readers see it at their next
   * poll), the listeners stop accepting, every client gets a RECONNECT (op 21) naming {@code hints}
   * for its transport — spread over the first half of {@code grace} — and at the end of {@code
   * grace}, or as soon as no client is left, the server stops, closing the connections left.
   * Returns at once; {@link #terminated()} completes when the server has stopped. A second call
   * changes nothing and reports the first drain.
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
    parts.renewNow();
    parts.listeners().closeListeners();
    drain =
        Drain.start(
            buckets,
            hints,
            clock.instant(),
            grace,
            parts.scheduler(),
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
                  parts.listeners().clients());
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
      parts.stop(timeout);
      log.info("Comet {} stopped", config.node().serverId());
    } finally {
      state = State.STOPPED;
      terminated.complete(null);
    }
  }

  /**
   * Drains over {@code grace} and waits for the server to stop; stops it outright if that takes
   * much longer. What a launcher runs on SIGTERM: clients are told to reconnect elsewhere before
   * the process exits. Returns once the server has stopped; a server that is stopping or not
   * started just stops.
   */
  public void drainThenStop(Duration grace) {
    try {
      drain(List.of(), grace);
    } catch (CometStoppingException | IllegalStateException e) {
      log.debug("Not draining: {}", e.getMessage());
    }
    try {
      terminated().get(grace.plus(STOP_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("Comet drain did not finish within {}; stopping now", grace.plus(STOP_MARGIN));
      stop(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(Duration.ofSeconds(2));
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
