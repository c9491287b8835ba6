package io.herald.testkit.cluster;

import io.herald.testkit.FreePorts;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Herald's roles started together for tests and benchmarks, each in a JVM of its own through the
 * launcher as an operator starts it ({@link HeraldProcess}: {@code herald <role> --config FILE}),
 * from {@link RoleConfigs} on the {@link Backends} they share, and awaited until ready. A test can
 * then kill a role, stop it, freeze it, read its {@code /metrics} and health, and connect clients
 * ({@link WireClient}) to its Comets. Every process started is stopped by {@link #close()}, the
 * last started first. The classpath must hold {@code herald-dist}.
 */
public final class HeraldCluster implements AutoCloseable {
  /** How long a role may take to start on a loaded 2-core machine. */
  public static final Duration START = Duration.ofSeconds(90);

  private final Backends backends;
  private final Deque<HeraldProcess> started = new ArrayDeque<>();
  private SilentListener noKafka;

  public HeraldCluster(Backends backends) {
    this.backends = backends;
  }

  public Backends backends() {
    return backends;
  }

  /** A Logic role: where it listens, and its process. */
  public record Logic(HeraldProcess process, int httpPort, int grpcPort) {
    public String url(String path) {
      return "http://127.0.0.1:" + httpPort + path;
    }

    public String grpcAddress() {
      return "127.0.0.1:" + grpcPort;
    }

    public ServiceMetrics metrics() {
      return ServiceMetrics.of(url("/metrics"));
    }
  }

  /** A Comet role: its id, ports and process. */
  public record Comet(String id, HeraldProcess process, CometPorts ports) {
    public int tcpPort() {
      return ports.tcp();
    }

    public int wsPort() {
      return ports.ws();
    }

    public String grpcAddress() {
      return "127.0.0.1:" + ports.grpc();
    }

    public String adminUrl(String path) {
      return "http://127.0.0.1:" + ports.admin() + path;
    }

    public ServiceMetrics metrics() {
      return ServiceMetrics.of(adminUrl("/metrics"));
    }

    /** A new TCP client of this Comet (the caller closes it). */
    public WireClient tcp(ProtocolVersion version) {
      return WireClient.tcp(ports.tcp(), version);
    }

    /** A new WebSocket client of this Comet (the caller closes it). */
    public WireClient webSocket(ProtocolVersion version) {
      return WireClient.webSocket(ports.ws(), version);
    }
  }

  /** A role with one HTTP port (Job, Balancer, IdGen). */
  public record Role(HeraldProcess process, int port) {
    public String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    public ServiceMetrics metrics() {
      return ServiceMetrics.of(url("/metrics"));
    }
  }

  /** Starts Logic on fresh ports and waits until it is ready. */
  public Logic logic() {
    return logic(FreePorts.next(), FreePorts.next(), RoleOptions.DEFAULTS);
  }

  /** Starts Logic with {@code options} and waits until it is ready. */
  public Logic logic(RoleOptions options) {
    return logic(FreePorts.next(), FreePorts.next(), options);
  }

  /** Starts Logic on these ports (again, after a restart) and waits until it is ready. */
  public Logic logic(int httpPort, int grpcPort) {
    return logic(httpPort, grpcPort, RoleOptions.DEFAULTS);
  }

  public Logic logic(int httpPort, int grpcPort, RoleOptions options) {
    RoleYaml yaml = RoleConfigs.logic(backends, httpPort, grpcPort);
    if (!backends.hasKafka()) {
      if (noKafka == null) {
        noKafka = new SilentListener();
      }
      yaml.put("push", "kafka", "{bootstrapServers: '" + noKafka.address() + "', topic: none}");
    }
    Logic logic =
        new Logic(launch("logic-" + httpPort, "logic", yaml, options), httpPort, grpcPort);
    logic.process().awaitOk(logic.url("/ready"), START);
    return logic;
  }

  /** Starts a Comet calling {@code logic} and waits until it is ready. */
  public Comet comet(String id, Logic logic) {
    return comet(id, logic, RoleOptions.DEFAULTS);
  }

  public Comet comet(String id, Logic logic, RoleOptions options) {
    return comet(id, logic, CometPorts.free(), options);
  }

  public Comet comet(String id, Logic logic, CometPorts ports, RoleOptions options) {
    RoleYaml yaml = RoleConfigs.comet(backends, id, ports, logic.grpcPort());
    Comet comet = new Comet(id, launch(id, "comet", yaml, options), ports);
    comet.process().awaitOk(comet.adminUrl("/ready"), START);
    return comet;
  }

  /** Starts Job and waits until it is healthy (in its group, consuming). */
  public Role job() {
    return job(RoleOptions.DEFAULTS);
  }

  public Role job(RoleOptions options) {
    return job(FreePorts.next(), options);
  }

  public Role job(int port, RoleOptions options) {
    Role job = startJob(port, options);
    job.process().awaitOk(job.url("/health"), START);
    return job;
  }

  /** Starts Job without waiting: for a test that times what readiness takes, or expects none. */
  public Role startJob(int port, RoleOptions options) {
    return new Role(launch("job-" + port, "job", RoleConfigs.job(backends, port), options), port);
  }

  /** Starts a Balancer and waits until it is healthy. */
  public Role balancer() {
    return balancer(RoleOptions.DEFAULTS);
  }

  public Role balancer(RoleOptions options) {
    int port = FreePorts.next();
    Role balancer =
        new Role(
            launch("balancer-" + port, "balancer", RoleConfigs.balancer(backends, port), options),
            port);
    balancer.process().awaitOk(balancer.url("/health"), START);
    return balancer;
  }

  /** Starts IdGen on the database at {@code jdbcUrl} and waits until it is healthy. */
  public Role idgen(String jdbcUrl, String user, String password) {
    int port = FreePorts.next();
    RoleYaml yaml = RoleConfigs.idgen(port, jdbcUrl, user, password);
    Role idgen = new Role(launch("idgen-" + port, "idgen", yaml, RoleOptions.DEFAULTS), port);
    idgen.process().awaitOk(idgen.url("/health"), START);
    return idgen;
  }

  private HeraldProcess launch(String name, String role, RoleYaml yaml, RoleOptions options) {
    HeraldProcess process =
        HeraldProcess.start(
            name,
            role,
            options.yaml().apply(yaml).text(),
            options.env(),
            options.commandPrefix(),
            options.jvmOptions());
    started.push(process);
    return process;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      started.pop().close();
    }
    if (noKafka != null) {
      noKafka.close();
      noKafka = null;
    }
  }
}
