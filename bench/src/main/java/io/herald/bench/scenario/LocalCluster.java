package io.herald.bench.scenario;

import io.herald.testkit.FreePorts;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.cluster.ServiceMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A Logic and one or more Comets, each in its own JVM on loopback started through the launcher
 * (testkit's {@link HeraldCluster}), and {@link ClientProcesses} connected to the Comets: what the
 * Comet scenarios measure. Logic runs with in-memory sessions and {@code trust} auth, so it needs
 * no Redis or Kafka; the scenarios call the Comet's gRPC as Job would.
 *
 * <p>Every process is a child of this one, ended by {@link #close()} (and with it on exit). The
 * roles' logs are copied into the scenario's directory as they stop.
 */
final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final List<String> cometCpus;
  private final ClientProcesses clients;
  final int logicGrpcPort;
  final int cometTcpPort;
  final int cometGrpcPort;
  private final int logicHttpPort;
  private final List<HeraldCluster.Comet> comets = new ArrayList<>();
  private final List<HeraldProcess> roles = new ArrayList<>();
  private HeraldCluster cluster;
  private RedisProcess redis;
  private boolean webSocket;
  private boolean profile;
  private int cometCount = 1;
  private HeraldCluster.Logic logic;
  private HeraldCluster.Role job;
  private String kafka = "";
  private String topic = "";
  private String redisUri = "";
  private String im = "";
  private Map<String, String> logicEnv = Map.of();
  private Map<String, String> cometEnv = Map.of();
  private RoleOptions jobOptions;
  private List<String> roleJvmOptions = List.of();
  private UnaryOperator<RoleYaml> logicChange = UnaryOperator.identity();
  private UnaryOperator<RoleYaml> cometChange = UnaryOperator.identity();

  /**
   * @param cometCpus {@code taskset} CPU list for the Comet (empty: not pinned)
   * @param clientCpus {@code taskset} CPU list for the client processes (empty: not pinned)
   */
  LocalCluster(Path dir, String cometCpus, String clientCpus) {
    this.dir = dir;
    this.cometCpus = cometCpus.isEmpty() ? List.of() : List.of("taskset", "-c", cometCpus);
    this.clients =
        new ClientProcesses(
            dir, clientCpus.isEmpty() ? List.of() : List.of("taskset", "-c", clientCpus));
    this.logicGrpcPort = FreePorts.next();
    this.cometTcpPort = FreePorts.next();
    this.cometGrpcPort = FreePorts.next();
    this.logicHttpPort = FreePorts.next();
    // A scenario stopped by a signal still ends its servers and clients.
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cluster-stop"));
  }

  /**
   * Keeps Logic's sessions in a {@code redis-server} of its own (from the PATH) on a free port, as
   * production does, instead of in memory. Call before {@link #start}.
   */
  void withRedis() {
    redis = RedisProcess.start();
    redisUri = redis.uri();
  }

  /** Uses the Redis at {@code uri} for Logic's sessions instead of starting one. */
  void useRedis(String uri) {
    redisUri = uri;
  }

  /**
   * Runs the whole data path, as production does: Logic publishes pushes to {@code topic} on the
   * Kafka at {@code bootstrapServers}, a Job process consumes them, and Logic, the Comet and Job
   * meet in the Redis registry (needs {@link #withRedis()} or {@link #useRedis}). Call before
   * {@link #start}.
   */
  void withKafka(String bootstrapServers, String topic) {
    this.kafka = bootstrapServers;
    this.topic = topic;
  }

  /**
   * Turns on Logic's IM layer with {@code section} as its {@code im:} config (YAML flow style, e.g.
   * {@code {enabled: true, database: {url: '...'}}}). Call before {@link #start}.
   */
  void withIm(String section) {
    this.im = section;
  }

  /**
   * Environment overrides of Logic's config (e.g. {@code LOGIC_OVERLOAD_PUSHESINFLIGHT}) and of the
   * Comets' ({@code COMET_LIMITS_MAXHANDSHAKES}). Call before {@link #start}.
   */
  void withEnv(Map<String, String> logic, Map<String, String> comet) {
    this.logicEnv = Map.copyOf(logic);
    this.cometEnv = Map.copyOf(comet);
  }

  /**
   * Adds {@code jvmOptions} to every role's JVM (Logic, Job, the Comets), and applies {@code logic}
   * and {@code comet} to their configs after the bench's own changes. Call before {@link #start}.
   */
  void withRoleChanges(
      List<String> jvmOptions, UnaryOperator<RoleYaml> logic, UnaryOperator<RoleYaml> comet) {
    this.roleJvmOptions = List.copyOf(jvmOptions);
    this.logicChange = logic;
    this.cometChange = comet;
  }

  private static List<String> plus(List<String> options, List<String> more) {
    List<String> all = new ArrayList<>(options);
    all.addAll(more);
    return all;
  }

  private static RoleOptions changed(RoleOptions options, UnaryOperator<RoleYaml> change) {
    UnaryOperator<RoleYaml> first = options.yaml();
    return options.withYaml(yaml -> change.apply(first.apply(yaml)));
  }

  /**
   * Runs {@code count} Comet processes instead of one, each on its own ports; clients connect to
   * them round-robin. One process may hold at most 20,000 file descriptors here, so more
   * connections than that need several Comets. Call before {@link #start}.
   */
  void withComets(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("comets: " + count + " (expected: >= 1)");
    }
    cometCount = count;
  }

  /**
   * The clients' transport: {@code tcp}, or {@code ws} (WebSocket on {@code /sub}, one frame or
   * op-9 batch per binary message). Call before {@link #connect} or {@link #start(int, int, int,
   * boolean)}.
   */
  void transport(String transport) {
    if (!transport.equals("tcp") && !transport.equals("ws")) {
      throw new IllegalArgumentException("--transport: " + transport + " (expected: tcp or ws)");
    }
    webSocket = transport.equals("ws");
  }

  /**
   * Records Logic, Job and the first Comet with JFR ({@code logic.jfr}, {@code job.jfr}, {@code
   * comet.jfr} in the logs directory; read them with {@code jfr}). Call before {@link #start}.
   */
  void profile() {
    profile = true;
  }

  private List<String> recorded(String role, List<String> jvmOptions) {
    if (!profile) {
      return jvmOptions;
    }
    List<String> options = new ArrayList<>(jvmOptions);
    options.add(
        "-XX:StartFlightRecording=filename=" + dir.resolve(role + ".jfr") + ",settings=profile");
    return options;
  }

  /** Starts Logic, then the Comets with {@code heap} (e.g. {@code 1g}), and waits for them. */
  void start(String heap) {
    start(heap, List.of());
  }

  /** As {@link #start(String)}, with {@code cometJvmOptions} added to the Comet's. */
  void start(String heap, List<String> cometJvmOptions) {
    BenchRoles options = new BenchRoles(dir, cometCpus, redisUri, kafka, topic, im);
    cluster = new HeraldCluster(options.backends());
    RoleOptions logicOptions = changed(options.logic(), logicChange);
    logicOptions = logicOptions.withJvm(plus(logicOptions.jvmOptions(), roleJvmOptions));
    logic =
        cluster.logic(
            logicHttpPort,
            logicGrpcPort,
            logicOptions.withJvm(recorded("logic", logicOptions.jvmOptions())).withEnv(logicEnv));
    roles.add(logic.process());
    for (int i = 0; i < cometCount; i++) {
      boolean first = i == 0;
      String name = first ? "comet" : "comet-" + i;
      CometPorts ports =
          new CometPorts(
              first ? cometTcpPort : FreePorts.next(),
              FreePorts.next(),
              first ? cometGrpcPort : FreePorts.next(),
              FreePorts.next());
      List<String> cometJvm = plus(cometJvmOptions, roleJvmOptions);
      HeraldCluster.Comet comet =
          cluster.comet(
              "bench-" + name,
              logic,
              ports,
              changed(
                      options.comet(name, heap, first ? recorded("comet", cometJvm) : cometJvm),
                      cometChange)
                  .withEnv(cometEnv));
      comets.add(comet);
      roles.add(comet.process());
    }
    if (!kafka.isEmpty()) {
      RoleOptions jobRole = options.job();
      jobRole = jobRole.withJvm(plus(jobRole.jvmOptions(), roleJvmOptions));
      jobOptions = jobRole.withJvm(recorded("job", jobRole.jvmOptions()));
      job = cluster.job(jobOptions);
      roles.add(job.process());
    }
  }

  /** The URI of the Redis that holds Logic's sessions (and inboxes), or empty without one. */
  String redisUri() {
    return redisUri;
  }

  long jobPid() {
    return job.process().pid();
  }

  /** Stops Job (gracefully: it commits what it delivered and leaves its group). */
  void stopJob() {
    job.process().stop(Duration.ofSeconds(20));
    roles.remove(job.process());
  }

  /** Starts Job again after {@link #stopJob()} and waits until it is consuming. */
  void startJob() {
    job = cluster.job(jobOptions);
    roles.add(job.process());
  }

  /** Job's own figures, from its {@code /metrics} endpoint. */
  ServiceMetrics jobMetrics() throws IOException, InterruptedException {
    return ServiceMetrics.scrape(job.url("/metrics"));
  }

  /** Logic's own figures, from its {@code /metrics} endpoint. */
  ServiceMetrics logicMetrics() throws IOException, InterruptedException {
    return ServiceMetrics.scrape("http://127.0.0.1:" + logicHttpPort + "/metrics");
  }

  int logicHttpPort() {
    return logicHttpPort;
  }

  /** The first Comet's process id. */
  long cometPid() {
    return comets.get(0).process().pid();
  }

  /** Every role process started: Logic, the Comets, Job (when started), in that order. */
  List<HeraldProcess> roles() {
    return List.copyOf(roles);
  }

  /** The Comets started. */
  List<HeraldCluster.Comet> comets() {
    return List.copyOf(comets);
  }

  HeraldCluster.Logic logic() {
    return logic;
  }

  /** The file a role's log is copied to when it stops ({@link #close()}). */
  Path logOf(HeraldProcess role) {
    return dir.resolve(role.toString().split(" ")[0] + ".log");
  }

  long logicPid() {
    return logic.process().pid();
  }

  /** The first Comet's own figures, from its {@code /metrics} endpoint. */
  ServiceMetrics cometMetrics() throws IOException, InterruptedException {
    return ServiceMetrics.scrape(comets.get(0).adminUrl("/metrics"));
  }

  /** The first Comet's GC log. */
  Path gcLog() {
    return dir.resolve("comet-gc.log");
  }

  /** The first Comet's safepoint log: every stop of its Java threads. */
  Path safepointLog() {
    return dir.resolve("comet-safepoint.log");
  }

  /**
   * Starts {@code processes} client processes holding {@code connections} in all, process {@code k}
   * bound to 127.0.0.{k+2}, and waits until all are authenticated.
   */
  List<ClientProcess> connect(int connections, int processes, int perSecond, Duration timeout)
      throws IOException, InterruptedException {
    start(connections, processes, perSecond, false);
    return awaitAuthenticated(timeout);
  }

  /**
   * Starts client processes for {@code connections} more connections without waiting; with {@code
   * waitForGo} they connect only once told {@code go}.
   */
  List<ClientProcess> start(int connections, int processes, int perSecond, boolean waitForGo)
      throws IOException {
    List<Integer> ports = comets.stream().map(c -> webSocket ? c.wsPort() : c.tcpPort()).toList();
    return clients.start(
        webSocket ? "ws" : "tcp", ports, connections, processes, perSecond, waitForGo);
  }

  /**
   * Starts client processes for {@code connections} more connections, each {@code clients} command
   * with {@code options} added (e.g. {@code --version=2}, its churn), without waiting.
   */
  List<ClientProcess> start(int connections, int processes, int perSecond, List<String> options)
      throws IOException {
    List<Integer> ports = comets.stream().map(c -> webSocket ? c.wsPort() : c.tcpPort()).toList();
    return clients.start(
        webSocket ? "ws" : "tcp", ports, connections, processes, perSecond, false, options);
  }

  /** Waits until every connection started so far is online (clients with {@code --reconnect}). */
  List<ClientProcess> awaitOnline(Duration timeout) throws IOException, InterruptedException {
    return clients.awaitOnline(timeout);
  }

  /** Waits until every connection started so far is authenticated. */
  List<ClientProcess> awaitAuthenticated(Duration timeout)
      throws IOException, InterruptedException {
    return clients.awaitAuthenticated(timeout, this::handshakes);
  }

  /** The Comets' handshake outcomes by result, as their metrics endpoints count them. */
  private String handshakes() {
    StringBuilder counts = new StringBuilder();
    for (HeraldCluster.Comet comet : comets) {
      try {
        ServiceMetrics metrics = ServiceMetrics.scrape(comet.adminUrl("/metrics"));
        for (String result : List.of("ok", "timeout", "not_auth", "error", "rejected")) {
          counts.append(result).append('=');
          counts.append((long) metrics.sum("herald_comet_handshakes_total", "\"" + result + "\""));
          counts.append(' ');
        }
      } catch (IOException e) {
        counts.append("(no metrics from ").append(comet.id()).append(": ").append(e).append(") ");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return counts.toString().strip();
  }

  /** Ends every client process: their connections close. */
  void disconnectAll() {
    clients.endAll();
  }

  /** The Comets' memory after a full GC, added up over every Comet process. */
  CometMemory cometMemory() throws IOException, InterruptedException {
    return CometMemory.measure(comets);
  }

  @Override
  public synchronized void close() {
    clients.endAll();
    for (int i = roles.size() - 1; i >= 0; i--) {
      HeraldProcess role = roles.get(i);
      role.stop(Duration.ofSeconds(10));
      try {
        Files.writeString(logOf(role), role.log());
      } catch (IOException | UncheckedIOException e) {
        // the log is a help, not a result
      }
    }
    roles.clear();
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
