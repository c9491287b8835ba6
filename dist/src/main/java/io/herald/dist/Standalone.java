package io.herald.dist;

import static io.herald.dist.StandaloneConfigs.LOOPBACK;

import com.linecorp.armeria.server.file.FileService;
import io.herald.balancer.server.BalancerServer;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.idgen.server.IdGenServer;
import io.herald.job.config.JobConfig;
import io.herald.job.dispatch.Dispatcher;
import io.herald.logic.admin.AdminConsole;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.ops.PrometheusMetrics;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every role in one process on embedded defaults, for a first run and for development: the
 * in-process registry, in-memory sessions, an in-process queue in place of Kafka ({@link
 * InProcessPushQueue}), IdGen on an H2 file, {@code trust} authentication, goim's ports, and every
 * listener on loopback — so the push API needs no token (production roles require one) and nothing
 * is reachable from other machines. The admin console ({@code /herald/admin/}) is on, behind a
 * token made at each start and printed in the {@link #banner()}. Each role's settings can still be
 * changed through its environment variables ({@code LOGIC_*}, {@code COMET_*}, ...); they override
 * the standalone defaults.
 */
final class Standalone implements Role.Running {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);

  /** Pushes accepted and not yet delivered, at most. */
  static final int QUEUE_CAPACITY = 100_000;

  /** How long clients get to move when standalone stops. */
  static final Duration DRAIN = Duration.ofSeconds(2);

  private final Map<String, String> env;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Deque<Runnable> stops = new ArrayDeque<>();
  private LogicServer logic;
  private CometServer comet;
  private CometConfig cometConfig;
  private LogicConfig logicConfig;
  private final String adminToken = StandaloneConfigs.newAdminToken();

  Standalone(Map<String, String> env, Clock clock) {
    this.env = env;
    this.clock = clock;
    this.meters = PrometheusMetrics.newRegistry();
  }

  /** Starts every role; on a failure stops what had started and rethrows. */
  synchronized void start() {
    try {
      RoleTracing tracing = RoleTracing.open("standalone", env);
      stops.push(tracing::close);
      Registry registry = Registries.create(RegistryConfig.defaults(), clock, meters);
      registry.start();
      stops.push(registry::stop);

      IdGenServer idgen =
          new IdGenServer(load(Roles.IDGEN, StandaloneConfigs.idgen()), clock, meters);
      idgen.start();
      stops.push(idgen::stop);

      JobConfig job = load(Roles.JOB, JobConfig.defaults());
      Dispatcher dispatcher =
          new Dispatcher(job.delivery(), job.batch(), registry, clock, meters, tracing.tracing());
      dispatcher.start();
      stops.push(() -> dispatcher.stop(Duration.ofSeconds(2)));

      LogicConfig logicConfig = load(Roles.LOGIC, StandaloneConfigs.logic(adminToken));
      this.logicConfig = logicConfig;
      logic =
          new LogicServer(
              logicConfig,
              clock,
              meters,
              new LogicServer.Provided(
                  registry,
                  new InProcessPushQueue(dispatcher, QUEUE_CAPACITY, meters),
                  routes ->
                      routes.serviceUnder(
                          "/demo", FileService.of(Standalone.class.getClassLoader(), "demo"))),
              tracing.tracing());
      logic.start();
      stops.push(logic::stop);

      CometConfig cometConfig =
          load(Roles.COMET, StandaloneConfigs.comet(logicConfig.server().grpcPort(), adminToken));
      this.cometConfig = cometConfig;
      comet = new CometServer(cometConfig, clock, meters, registry, tracing.tracing());
      comet.start();
      CometServer startedComet = comet;
      stops.push(() -> startedComet.drainThenStop(DRAIN));

      BalancerServer balancer =
          new BalancerServer(
              load(Roles.BALANCER, StandaloneConfigs.balancer()),
              Registries.unowned(registry),
              meters);
      balancer.start();
      stops.push(balancer::stop);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    log.warn(
        "herald standalone: trust authentication (any client may claim any user), sessions and"
            + " pushes in memory only, everything on {} — for development, not production",
        LOOPBACK);
  }

  /** Stops every role, last started first. */
  @Override
  public synchronized void stop() {
    while (!stops.isEmpty()) {
      try {
        stops.pop().run();
      } catch (RuntimeException e) {
        log.warn("Stopping a standalone part failed", e);
      }
    }
  }

  LogicServer logic() {
    return logic;
  }

  CometServer comet() {
    return comet;
  }

  /**
   * What {@code herald standalone} prints once started: where the demo page, the admin console (and
   * its token) and clients go.
   */
  String banner() {
    int http = logic.httpPort();
    CometConfig.Listen listen = cometConfig.listen();
    return String.format(
        "%nHerald standalone is running.%n"
            + "  Demo page:   http://%s:%d/demo/%n"
            + "  Console:     http://%s:%d%s (%s)%n"
            + "  Push a room: curl -d 'hello'"
            + " 'http://%s:%d/goim/push/room?operation=1000&type=live&room=1000'%n"
            + "  Clients:     TCP %s:%d, WebSocket ws://%s:%d%s%n"
            + "Ctrl-C stops it.%n",
        LOOPBACK,
        http,
        LOOPBACK,
        http,
        AdminConsole.PATH,
        consoleToken(),
        LOOPBACK,
        http,
        LOOPBACK,
        listen.tcpPort(),
        LOOPBACK,
        listen.wsPort(),
        listen.wsPath());
  }

  /** The admin token for the banner: the one made at start, unless the user's variables set one. */
  private String consoleToken() {
    List<String> tokens = logicConfig.admin().tokens();
    if (tokens.equals(List.of(adminToken))) {
      return "admin token " + adminToken;
    }
    return tokens.isEmpty() ? "off: LOGIC_ADMIN_TOKENS is empty" : "a token of LOGIC_ADMIN_TOKENS";
  }

  /** The admin token this run made (the console's, unless the user's variables set theirs). */
  String adminToken() {
    return adminToken;
  }

  PrometheusMeterRegistry meters() {
    return meters;
  }

  /**
   * {@code role}'s config: the standalone settings over its defaults ({@link StandaloneConfigs}),
   * then the user's environment.
   */
  private <C> C load(Role<C> role, C standalone) {
    return role.withDefaults(standalone).load(null, env);
  }
}
