package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.bench.proc.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Logic and one or more Comets, each in its own JVM on loopback, and client processes connected
 * to the Comets: what the Comet scenarios measure. Logic runs with in-memory sessions and {@code
 * trust} auth, so it needs no Redis or Kafka; the scenarios call the Comet's gRPC as Job would.
 *
 * <p>Each role runs as an operator runs it, through the launcher: {@code herald <role> --config
 * FILE} ({@value #LAUNCHER}) on this process's classpath. Every process is a child of this one,
 * ended by {@link #close()} (and with it on exit).
 */
final class LocalCluster implements AutoCloseable {
  private static final String LAUNCHER = "io.herald.dist.Herald";

  private final Path dir;
  private final List<String> cometCpus;
  private final List<String> clientCpus;
  private final List<Process> servers = new ArrayList<>();
  private final List<ClientProcess> clients = new ArrayList<>();
  final int logicGrpcPort;
  final int cometTcpPort;
  final int cometGrpcPort;
  private final List<Process> comets = new ArrayList<>();
  private final List<Integer> cometTcpPorts = new ArrayList<>();
  private final List<Integer> cometAdminPorts = new ArrayList<>();
  private final List<Integer> cometWsPorts = new ArrayList<>();
  private boolean webSocket;
  private int cometCount = 1;
  private Process logic;
  private Process job;
  private String kafka = "";
  private String topic = "";
  private final int logicHttpPort;
  private String redisUri = "";
  private int connectionsOpened;
  private int pending;

  /**
   * @param cometCpus {@code taskset} CPU list for the Comet (empty: not pinned)
   * @param clientCpus {@code taskset} CPU list for the client processes (empty: not pinned)
   */
  LocalCluster(Path dir, String cometCpus, String clientCpus) throws IOException {
    this.dir = dir;
    this.cometCpus = cometCpus.isEmpty() ? List.of() : List.of("taskset", "-c", cometCpus);
    this.clientCpus = clientCpus.isEmpty() ? List.of() : List.of("taskset", "-c", clientCpus);
    this.logicGrpcPort = LoopbackPorts.free();
    this.cometTcpPort = LoopbackPorts.free();
    this.cometGrpcPort = LoopbackPorts.free();
    this.logicHttpPort = LoopbackPorts.free();
    // A scenario stopped by a signal still ends its servers and clients.
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cluster-stop"));
  }

  /**
   * Keeps Logic's sessions in a {@code redis-server} of its own (from the PATH) on a free port, as
   * production does, instead of in memory. Call before {@link #start}.
   */
  void withRedis() throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    Process redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    servers.add(redis);
    LoopbackPorts.await(port);
    redisUri = "redis://127.0.0.1:" + port;
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

  /** Starts Logic, then the Comets with {@code heap} (e.g. {@code 1g}), and waits for them. */
  void start(String heap) throws IOException, InterruptedException {
    start(heap, List.of());
  }

  /** As {@link #start(String)}, with {@code cometJvmOptions} added to the Comet's. */
  void start(String heap, List<String> cometJvmOptions) throws IOException, InterruptedException {
    Path logicYaml = dir.resolve("logic.yaml");
    Files.writeString(
        logicYaml,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: "
                + logicHttpPort
                + ", grpcPort: "
                + logicGrpcPort
                + "}",
            "auth: {mode: trust, allowTrust: true}",
            redisUri.isEmpty()
                ? "store: {backend: memory}"
                : "store: {backend: redis, redis: {uri: '" + redisUri + "'}}",
            kafka.isEmpty()
                ? "push: {kafka: {bootstrapServers: '127.0.0.1:1'}, api: {requireToken: false}}"
                : "push: {kafka: {bootstrapServers: '"
                    + kafka
                    + "', topic: "
                    + topic
                    + "}, api: {requireToken: false, maxTargets: 1000}}",
            "receive: {sink: log}",
            registry(),
            ""));
    // Without Kafka, Logic's push queue points at a port nobody serves: the scenarios push through
    // the Comet's gRPC, never through Logic, so the launcher is told not to wait for Kafka.
    logic =
        role(
            List.of(),
            List.of("-Xmx512m"),
            "logic",
            logicYaml,
            "logic",
            kafka.isEmpty() ? List.of("--skip-server-check") : List.of());
    servers.add(logic);
    LoopbackPorts.await(logicGrpcPort);

    for (int i = 0; i < cometCount; i++) {
      boolean first = i == 0;
      startComet(
          first ? "comet" : "comet-" + i,
          first ? cometTcpPort : LoopbackPorts.free(),
          first ? cometGrpcPort : LoopbackPorts.free(),
          heap,
          cometJvmOptions);
    }
    if (!kafka.isEmpty()) {
      startJob();
    }
  }

  private void startComet(
      String name, int tcpPort, int grpcPort, String heap, List<String> cometJvmOptions)
      throws IOException, InterruptedException {
    Path cometYaml = dir.resolve(name + ".yaml");
    int adminPort = LoopbackPorts.free();
    int wsPort = LoopbackPorts.free();
    Files.writeString(
        cometYaml,
        String.join(
            "\n",
            "node: {serverId: bench-" + name + ", capacity: 200000}",
            "listen: {host: 127.0.0.1, tcpPort: "
                + tcpPort
                + ", wsPort: "
                + wsPort
                + ", grpcPort: "
                + grpcPort
                + ", adminPort: "
                + adminPort
                + "}",
            "limits: {connectionsPerIp: 100000, newConnectionsPerIpPerSecond: 100000,"
                + " newConnectionsPerIpBurst: 100000}",
            // A cold Logic on a loaded machine may take seconds to authenticate a burst of clients:
            // the scenarios measure rates, so a slow AUTH waits rather than failing the run.
            "protocol: {handshakeTimeout: 30s}",
            "logic: {target: '127.0.0.1:" + logicGrpcPort + "', callTimeout: 30s}",
            registry(),
            ""));
    List<String> options = new ArrayList<>(cometJvmOptions);
    if (cometJvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      options.add("-XX:+UseG1GC");
    }
    options.addAll(
        List.of(
            "-Xms" + heap,
            "-Xmx" + heap,
            // The whole heap resident from the start: RSS growth is then memory outside it.
            "-XX:+AlwaysPreTouch",
            "-XX:NativeMemoryTracking=summary",
            "-Xlog:gc:file=" + dir.resolve(name + "-gc.log") + ":uptime"));
    Process comet = role(cometCpus, options, "comet", cometYaml, name, List.of());
    servers.add(comet);
    comets.add(comet);
    cometTcpPorts.add(tcpPort);
    cometAdminPorts.add(adminPort);
    cometWsPorts.add(wsPort);
    LoopbackPorts.await(tcpPort);
    LoopbackPorts.await(grpcPort);
    LoopbackPorts.await(adminPort);
  }

  private void startJob() throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    Path jobYaml = dir.resolve("job.yaml");
    // A group of its own: a Job of an earlier run on the same broker, ended without leaving its
    // group, would hold the partitions until its session timed out.
    Files.writeString(
        jobYaml,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, port: " + port + "}",
            "kafka: {bootstrapServers: '"
                + kafka
                + "', topic: "
                + topic
                + ", groupId: bench-job-"
                + topic
                + "}",
            registry(),
            ""));
    job = role(List.of(), List.of("-Xmx512m"), "job", jobYaml, "job", List.of());
    servers.add(job);
    LoopbackPorts.await(port);
  }

  /** The registry every process shares: Redis in the whole-path mode, else in-process. */
  private String registry() {
    return kafka.isEmpty()
        ? "registry: {backend: memory}"
        : "registry: {backend: redis, redis: {uri: '" + redisUri + "'}, pollInterval: 500ms}";
  }

  long jobPid() {
    return job.pid();
  }

  int logicHttpPort() {
    return logicHttpPort;
  }

  /** The first Comet's process id. */
  long cometPid() {
    return comets.get(0).pid();
  }

  long logicPid() {
    return logic.pid();
  }

  /** The first Comet's own figures, from its {@code /metrics} endpoint. */
  ServiceMetrics cometMetrics() throws IOException, InterruptedException {
    return ServiceMetrics.scrape(cometAdminPorts.get(0));
  }

  /** The first Comet's GC log. */
  Path gcLog() {
    return dir.resolve("comet-gc.log");
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
    int each = connections / processes;
    int already = clients.size();
    int total = connections + connectionsOpened;
    for (int k = already; k < already + processes; k++) {
      int count = k == already + processes - 1 ? connections - each * (processes - 1) : each;
      List<String> command = new ArrayList<>(clientCpus);
      command.addAll(javaCommand(List.of("-Xmx1g"), "io.herald.bench.Bench"));
      command.addAll(
          List.of(
              "clients",
              "--transport=" + (webSocket ? "ws" : "tcp"),
              "--ports="
                  + String.join(
                      ",",
                      (webSocket ? cometWsPorts : cometTcpPorts)
                          .stream().map(String::valueOf).toList()),
              "--sources=127.0.0." + (k + 2),
              "--connections=" + count,
              "--rate=" + Math.max(1, perSecond / processes),
              "--first-mid=" + (1 + connectionsOpened + (long) (k - already) * each),
              "--max-duration=1800"));
      if (waitForGo) {
        command.add("--wait-for-go");
      }
      Process process =
          new ProcessBuilder(command)
              .redirectError(dir.resolve("clients-" + k + ".log").toFile())
              .start();
      clients.add(new ClientProcess(process));
    }
    pending = total;
    return clients;
  }

  /** Waits until every connection started so far is authenticated. */
  List<ClientProcess> awaitAuthenticated(Duration timeout)
      throws IOException, InterruptedException {
    int total = pending;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int authenticated = 0;
      int lost = 0;
      for (ClientProcess client : clients) {
        authenticated += client.authenticated();
        lost += client.lost();
      }
      if (authenticated >= total) {
        connectionsOpened = total;
        return clients;
      }
      if (lost > 0 || System.nanoTime() > deadline) {
        throw new IOException(
            authenticated
                + " of "
                + total
                + " authenticated, "
                + lost
                + " failed or closed; the Comets counted "
                + handshakes()
                + " (clients' reasons in "
                + dir
                + "/clients-*.log)");
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /** The Comets' handshake outcomes by result, as their metrics endpoints count them. */
  private String handshakes() {
    StringBuilder counts = new StringBuilder();
    for (int port : cometAdminPorts) {
      try {
        ServiceMetrics metrics = ServiceMetrics.scrape(port);
        for (String result : List.of("ok", "timeout", "not_auth", "error", "rejected")) {
          counts.append(result).append('=');
          counts.append((long) metrics.sum("herald_comet_handshakes_total", "\"" + result + "\""));
          counts.append(' ');
        }
      } catch (IOException e) {
        counts.append("(no metrics from :").append(port).append(": ").append(e).append(") ");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return counts.toString().strip();
  }

  /** Ends every client process: their connections close. */
  void disconnectAll() {
    for (ClientProcess client : clients) {
      client.close();
    }
    clients.clear();
    connectionsOpened = 0;
  }

  /**
   * The Comets' RSS and heap after a full GC, added up over every Comet process: the heap as {@code
   * jcmd} reads it right after the GC, and as each Comet's metrics endpoint reports it.
   */
  Memory cometMemory() throws IOException, InterruptedException {
    long rss = 0;
    long heap = 0;
    long reported = 0;
    for (int i = 0; i < comets.size(); i++) {
      long pid = comets.get(i).pid();
      heap += ProcStats.heapAfterGc(pid);
      reported += ServiceMetrics.scrape(cometAdminPorts.get(i)).heapUsedBytes();
      rss += ProcStats.rssBytes(pid);
    }
    return new Memory(rss, heap, reported);
  }

  /**
   * @param heapBytes heap in use after a full GC ({@code jcmd GC.heap_info})
   * @param reportedHeapBytes heap in use per the metrics endpoint, scraped just after that GC
   */
  record Memory(long rssBytes, long heapBytes, long reportedHeapBytes) {}

  /** {@code herald <role> --config <config> <options>}, its output in {@code <name>.log}. */
  private Process role(
      List<String> prefix,
      List<String> jvmOptions,
      String role,
      Path config,
      String name,
      List<String> options)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(javaCommand(jvmOptions, LAUNCHER));
    command.addAll(List.of(role, "--config", config.toString()));
    command.addAll(options);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static List<String> javaCommand(List<String> jvmOptions, String main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    // This classpath holds two logback.xml (the bench's, the launcher's): the children use the one
    // this process was told to (bench/run names the bench's: logs on stderr, stdout for clients).
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main);
    return command;
  }

  @Override
  public synchronized void close() {
    for (ClientProcess client : clients) {
      client.close();
    }
    clients.clear();
    for (int i = servers.size() - 1; i >= 0; i--) {
      Process server = servers.get(i);
      server.destroyForcibly();
      try {
        server.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    servers.clear();
  }
}
