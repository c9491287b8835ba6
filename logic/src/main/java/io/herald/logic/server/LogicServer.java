package io.herald.logic.server;

import com.github.benmanes.caffeine.cache.Ticker;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.herald.balancer.NodeSelectors;
import io.herald.im.jdbc.JdbcImStore;
import io.herald.logic.admin.AdminConsole;
import io.herald.logic.api.BearerTokens;
import io.herald.logic.api.GoimNodes;
import io.herald.logic.api.GoimNodesHttpApi;
import io.herald.logic.api.GoimPushHttpApi;
import io.herald.logic.api.ImGrpcService;
import io.herald.logic.api.ImHttpApi;
import io.herald.logic.api.PushGrpcService;
import io.herald.logic.auth.Authenticators;
import io.herald.logic.comet.CometClients;
import io.herald.logic.comet.Connections;
import io.herald.logic.comet.DepartedCometPurge;
import io.herald.logic.comet.DuplicateLoginPolicy;
import io.herald.logic.comet.LogicGrpcService;
import io.herald.logic.ids.IdGenMessageIds;
import io.herald.logic.ids.MessageIds;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.ids.SnowflakeMessageIds;
import io.herald.logic.im.ChatRequests;
import io.herald.logic.im.ImLayer;
import io.herald.logic.online.OnlineCounts;
import io.herald.logic.overload.Admission;
import io.herald.logic.overload.InFlightLimit;
import io.herald.logic.push.PushService;
import io.herald.logic.queue.KafkaPushQueue;
import io.herald.logic.queue.PushQueue;
import io.herald.logic.receive.UpstreamSink;
import io.herald.logic.receive.UpstreamSinks;
import io.herald.logic.room.RoomRoutes;
import io.herald.logic.room.UnvouchedComets;
import io.herald.logic.store.StoreBackend;
import io.herald.logic.store.StoreWatch;
import io.herald.ops.Health;
import io.herald.ops.Readiness;
import io.herald.ops.armeria.ArmeriaTls;
import io.herald.ops.armeria.GrpcStatusHandler;
import io.herald.ops.armeria.OperatorServices;
import io.herald.ops.armeria.TrustedProxies;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tracing.Tracing;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryListener;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logic: the Comet-facing gRPC service, the push API (goim's HTTP paths and gRPC), goim's node API,
 * with {@code im.enabled} the IM layer (chat ops through Receive, and its backend API {@code
 * herald.im.v1.Im} and {@code /herald/im/*}), with {@code admin.tokens} the operators' console
 * ({@code /herald/admin/}, {@link AdminConsole}), {@code /health} and {@code /metrics}, on goim's
 * two ports. {@link #start()} starts the parts in order (registry, stores, online counts, queue,
 * message ids, the IM database, server) and {@link #stop()} stops them in reverse; both are
 * idempotent and the constructor does no I/O.
 *
 * <p>{@code /ready} (and {@code /health}) answers 200 while Logic can do its work — it serves, the
 * registry has answered, the session store answered its last check (every second), and the message
 * id source can hand out ids (with {@code push.messageIds.source: idgen}, once IdGen's first block
 * arrived; Logic starts without waiting for it, and pushes fail with -500 / UNAVAILABLE until then)
 * — and 503 otherwise, with a body naming what it cannot do ({@link Readiness}). {@code /live}
 * answers 200 while the process serves at all.
 */
public final class LogicServer {
  private static final Logger log = LoggerFactory.getLogger(LogicServer.class);

  private final LogicConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private volatile boolean serving;
  private final Deque<Runnable> stops = new ArrayDeque<>();
  private Server server;

  /**
   * What a host process hands a Logic in place of the parts its config would build ({@code herald
   * standalone}: one registry for every role, an in-process queue in place of Kafka, the demo
   * page's routes). The host owns them: the Logic neither starts nor stops them.
   *
   * @param registry the registry, or null to build it from {@code config.registry()}
   * @param queue where pushes go, or null for Kafka from {@code config.push().kafka()}
   * @param routes more routes on the Logic's HTTP server
   */
  public record Provided(Registry registry, PushQueue queue, Consumer<ServerBuilder> routes) {
    /** Nothing provided: every part from the config. */
    public static final Provided NONE = new Provided(null, null, builder -> {});
  }

  private final Provided provided;
  private final Tracing tracing;

  public LogicServer(LogicConfig config, Clock clock, PrometheusMeterRegistry meters) {
    this(config, clock, meters, Provided.NONE);
  }

  public LogicServer(
      LogicConfig config, Clock clock, PrometheusMeterRegistry meters, Provided provided) {
    this(config, clock, meters, provided, Tracing.off());
  }

  /**
   * @param tracing traces pushes from the push API into the Kafka records ({@code docs/tracing.md})
   */
  public LogicServer(
      LogicConfig config,
      Clock clock,
      PrometheusMeterRegistry meters,
      Provided provided,
      Tracing tracing) {
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.provided = provided;
    this.tracing = tracing;
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      Registry registry =
          provided.registry() != null
              ? Registries.unowned(provided.registry())
              : Registries.create(config.registry(), clock, meters);
      registry.start();
      stops.push(registry::stop);
      StoreBackend stores = StoreBackend.create(config.store(), config.inbox(), clock, meters);
      stores.start();
      stops.push(stores::stop);
      StoreWatch store =
          new StoreWatch(
              stores::incarnation,
              config.store().checkInterval(),
              config.store().redis().timeout().plusSeconds(1),
              clock,
              meters);
      OnlineCounts online =
          new OnlineCounts(stores.online(), config.store().onlineRefresh(), meters);
      online.start();
      stops.push(online::stop);
      UpstreamSink upstream = UpstreamSinks.create(config.receive());
      stops.push(upstream::close);
      CometClients comets =
          new CometClients(
              registry,
              config.cometCallTimeout(),
              GrpcTls.client("logic", "comet", "cometTls", config.cometTls(), meters));
      stops.push(comets::close);
      store.onReset(incarnation -> comets.resyncAll(incarnation));
      store.start();
      stops.push(store::stop);
      RegistryListener departures = new DepartedCometPurge(stores.sessions());
      registry.addListener(departures);
      stops.push(() -> registry.removeListener(departures));
      NodeSelectors.Opened selection = NodeSelectors.open(config.selection(), registry);
      stops.push(selection::close);
      PushQueue queue = provided.queue();
      if (queue == null) {
        KafkaPushQueue kafka = new KafkaPushQueue(config.push().kafka(), meters, tracing);
        kafka.start();
        stops.push(kafka::stop);
        queue = kafka;
      }

      CompletableFuture<Void> idsReady = new CompletableFuture<>();
      MessageIds ids = messageIds(idsReady);
      RoomRoutes roomRoutes =
          new RoomRoutes(
              stores.rooms(),
              () -> store.resetWithin(config.store().onlineTtl()),
              new UnvouchedComets(registry, online::reportedAt, config.store().onlineTtl(), clock),
              meters);
      PushService pushes =
          new PushService(
              stores.sessions(),
              stores.inbox(),
              roomRoutes,
              queue,
              ids,
              config.push().api(),
              clock);
      ImLayer im = im(pushes, ids);
      GoimNodes nodes = new GoimNodes(selection.selector(), config.nodes());
      LogicGrpcService logic =
          new LogicGrpcService(
              Authenticators.create(config.auth(), clock, meters),
              stores,
              config.inbox(),
              store,
              online,
              upstream,
              im != null ? im.requests() : ChatRequests.disabled(),
              new Connections(
                  stores.sessions(),
                  stores.rooms(),
                  comets,
                  new DuplicateLoginPolicy(config.singleLoginPlatforms()),
                  config.selection().heartbeat(),
                  meters),
              nodes,
              clock,
              meters,
              new Admission(
                  new InFlightLimit(
                      "connect", config.overload().connectsInFlight(), Long.MAX_VALUE, meters),
                  config.overload().retryAfter()));
      Admission pushAdmission =
          new Admission(
              new InFlightLimit(
                  "push",
                  config.overload().pushesInFlight(),
                  config.overload().pushBytesInFlight(),
                  meters),
              config.overload().retryAfter());
      Readiness readiness =
          new Readiness(
              List.of(
                  new Readiness.Check("server", () -> serving ? null : "not serving"),
                  new Readiness.Check(
                      "registry", () -> done(registry.ready()) ? null : "not loaded yet"),
                  new Readiness.Check(
                      "session_store", () -> store.status().up() ? null : store.status().detail()),
                  new Readiness.Check(
                      "message_ids",
                      () -> done(idsReady) ? null : "no block of ids from IdGen yet")));
      GrpcTls grpcTls =
          GrpcTls.server("logic", "grpc", "server.grpcTls", config.server().grpcTls(), meters);
      stops.push(grpcTls::close);
      ServerBuilder builder =
          Server.builder()
              .port(port(config.server().httpPort(), SessionProtocol.HTTP))
              .port(
                  port(
                      config.server().grpcPort(),
                      grpcTls.enabled() ? SessionProtocol.HTTPS : SessionProtocol.HTTP));
      if (grpcTls.enabled()) {
        ArmeriaTls.requireClientCertificates(builder, grpcTls);
      }
      // One set of callers for every API, so a token's push rate limit holds across them.
      BearerTokens callers = BearerTokens.of(config.push().api());
      GrpcServiceBuilder grpc =
          GrpcService.builder()
              .addService(logic)
              .addService(
                  new PushGrpcService(
                          pushes, online, stores.inbox(), callers, meters, tracing, pushAdmission)
                      .grpcService());
      if (im != null) {
        grpc.addService(
            new ImGrpcService(im.service(), im.groups(), callers, meters).grpcService());
      }
      TrustedProxies.trust(builder, config.server().trustedProxies())
          .service(
              grpc.exceptionHandler(
                      new GrpcStatusHandler(
                          LogicGrpcService.STATUSES.orElse(PushGrpcService.STATUSES)))
                  .build())
          .service("/ready", OperatorServices.health(readiness::health))
          .service("/health", OperatorServices.health(readiness::health))
          .service("/live", OperatorServices.health(() -> Health.UP))
          .service("/metrics", OperatorServices.metrics(meters));
      new GoimPushHttpApi(
              pushes,
              online,
              stores.inbox(),
              config.push().api(),
              callers,
              meters,
              tracing,
              pushAdmission)
          .bindTo(builder);
      new GoimNodesHttpApi(nodes, registry, online).bindTo(builder);
      if (im != null) {
        new ImHttpApi(im, callers, config.im().maxMessageBytes()).bindTo(builder);
      }
      if (AdminConsole.enabled(config.admin(), config.push().api())) {
        new AdminConsole(
                config.admin(),
                registry,
                online,
                pushes,
                comets,
                config.push().api(),
                clock,
                meters)
            .bindTo(builder);
      } else {
        AdminConsole.logOff();
      }
      provided.routes().accept(builder);
      server = builder.build();
      server.start().join();
      serving = true;
      log.info(
          "Logic listening on {} (HTTP {}, gRPC {})",
          config.server().host(),
          httpPort(),
          grpcPort());
    } catch (RuntimeException e) {
      stopParts();
      throw e;
    }
  }

  /**
   * The IM layer on its database (migrated at start; a database that cannot be reached fails the
   * start), or null when {@code im.enabled} is off.
   */
  private ImLayer im(PushService pushes, MessageIds ids) {
    if (!config.im().enabled()) {
      return null;
    }
    JdbcImStore store = new JdbcImStore(config.im().database());
    store.start();
    stops.push(store::stop);
    ImLayer im =
        new ImLayer(
            config.im(),
            store,
            pushes,
            ids,
            config.push().api().maxTargets(),
            clock,
            Ticker.systemTicker(),
            meters);
    stops.push(() -> im.stop(Duration.ofSeconds(5)));
    return im;
  }

  private static boolean done(CompletableFuture<?> future) {
    return future.isDone() && !future.isCompletedExceptionally();
  }

  /**
   * The configured message id source, started; {@code ready} completes once it can hand out ids: at
   * once for {@code local}, when IdGen's first block arrives for {@code idgen}.
   */
  private MessageIds messageIds(CompletableFuture<Void> ready) {
    MessageIdsConfig ids = config.push().messageIds();
    if (MessageIdsConfig.LOCAL.equals(ids.source())) {
      ready.complete(null);
      return new SnowflakeMessageIds(ids.instanceId(), clock);
    }
    IdGenMessageIds idgen = IdGenMessageIds.create(ids.idgen(), meters);
    idgen.start();
    stops.push(idgen::stop);
    var unused = idgen.firstBlock().thenRun(() -> ready.complete(null));
    return idgen;
  }

  private ServerPort port(int port, SessionProtocol protocol) {
    return new ServerPort(new InetSocketAddress(config.server().host(), port), protocol);
  }

  public int httpPort() {
    return config.server().httpPort();
  }

  public int grpcPort() {
    return config.server().grpcPort();
  }

  public synchronized void stop() {
    serving = false;
    if (server != null) {
      server.stop().join();
      server = null;
    }
    stopParts();
  }

  private void stopParts() {
    while (!stops.isEmpty()) {
      try {
        stops.pop().run();
      } catch (RuntimeException e) {
        log.warn("Stopping a Logic component failed", e);
      }
    }
  }
}
