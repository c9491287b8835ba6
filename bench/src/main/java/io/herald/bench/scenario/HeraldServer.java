package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code herald standalone}, every role in one JVM on its embedded defaults, as a new user first
 * runs it: messages go in through goim's HTTP push API ({@code POST /goim/push/room}) and through
 * Logic, the in-process queue, Job's dispatcher and the Comet to the subscribers, who authenticate
 * (goim's AUTH, {@code trust}) into room {@code live://bench} over TCP or WebSocket. What the bench
 * changes, through the roles' environment variables: free ports, the Comet's per-address connection
 * limits (every subscriber comes from a handful of loopback addresses) and, with a Redis, Logic's
 * sessions in it. The heap is fixed and pre-touched, so RSS growth is memory outside it; the
 * launcher's JVM defaults (bin/jvm.options) unless the options name a collector.
 */
final class HeraldServer implements ComparedServer {
  private static final String LAUNCHER = "io.herald.dist.Herald";

  private final String transport;
  private final Map<String, Integer> clientPorts;
  private final ServerProcess process;
  private final HttpPublisher publisher;

  private HeraldServer(
      String transport,
      Map<String, Integer> clientPorts,
      ServerProcess process,
      HttpPublisher publisher) {
    this.transport = transport;
    this.clientPorts = clientPorts;
    this.process = process;
    this.publisher = publisher;
  }

  /** The same process, its subscribers on {@code transport}; closing either ends the process. */
  HeraldServer on(String transport) {
    return new HeraldServer(transport, clientPorts, process, publisher);
  }

  /**
   * @param transport the subscribers': {@code tcp} or {@code ws}
   * @param redisUri Logic's session store, or empty for standalone's in-memory sessions
   */
  static HeraldServer start(
      Path runDir,
      List<String> cpus,
      String transport,
      String heap,
      List<String> jvmOptions,
      String redisUri)
      throws IOException, InterruptedException {
    Path dir = Files.createDirectories(runDir.resolve("herald-" + transport));
    int httpPort = FreePorts.next();
    int tcpPort = FreePorts.next();
    int wsPort = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("LOGIC_SERVER_HTTPPORT", Integer.toString(httpPort));
    env.put("LOGIC_SERVER_GRPCPORT", Integer.toString(FreePorts.next()));
    env.put("COMET_LISTEN_TCPPORT", Integer.toString(tcpPort));
    env.put("COMET_LISTEN_WSPORT", Integer.toString(wsPort));
    env.put("COMET_LISTEN_GRPCPORT", Integer.toString(FreePorts.next()));
    env.put("COMET_LISTEN_ADMINPORT", Integer.toString(FreePorts.next()));
    env.put("BALANCER_SERVER_PORT", Integer.toString(FreePorts.next()));
    env.put("IDGEN_SERVER_PORT", Integer.toString(FreePorts.next()));
    env.put("COMET_NODE_CAPACITY", "200000");
    env.put("COMET_LIMITS_CONNECTIONSPERIP", "100000");
    env.put("COMET_LIMITS_NEWCONNECTIONSPERIPPERSECOND", "100000");
    env.put("COMET_LIMITS_NEWCONNECTIONSPERIPBURST", "100000");
    // A burst of AUTHs on a loaded core may take seconds: the bench measures rates, not timeouts.
    env.put("COMET_PROTOCOL_HANDSHAKETIMEOUT", "30s");
    env.put("COMET_LOGIC_CALLTIMEOUT", "30s");
    if (!redisUri.isEmpty()) {
      env.put("LOGIC_STORE_BACKEND", "redis");
      env.put("LOGIC_STORE_REDIS_URI", redisUri);
    }
    List<String> command = new ArrayList<>(cpus);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As bin/herald: the launcher's collector and flags unless the options name a collector.
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      command.addAll(BenchRoles.launcherDefaults());
    }
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Xms" + heap,
            "-Xmx" + heap,
            "-XX:+AlwaysPreTouch",
            "-Xlog:gc:file=" + dir.resolve("gc.log") + ":uptime",
            "-cp",
            System.getProperty("java.class.path"),
            LAUNCHER,
            "standalone"));
    ServerProcess process = ServerProcess.start("herald", command, env, dir);
    try {
      process.awaitPort(httpPort, Duration.ofSeconds(90));
      process.awaitPort(tcpPort, Duration.ofSeconds(30));
      process.awaitPort(wsPort, Duration.ofSeconds(30));
    } catch (IOException | InterruptedException e) {
      process.kill();
      throw e;
    }
    return new HeraldServer(
        transport,
        Map.of("tcp", tcpPort, "ws", wsPort),
        process,
        new HttpPublisher(
            URI.create(
                "http://127.0.0.1:"
                    + httpPort
                    + "/goim/push/room?operation=1000&type=live&room=bench")));
  }

  @Override
  public String name() {
    return "herald-" + transport;
  }

  @Override
  public String auth() {
    return "goim AUTH frame, Logic's trust mode, session written to the store";
  }

  @Override
  public String clientTransport() {
    return transport;
  }

  @Override
  public List<Integer> clientPorts() {
    return List.of(clientPorts.get(transport));
  }

  @Override
  public void publish(byte[] body) throws IOException, InterruptedException {
    String reply = publisher.post(body);
    if (!reply.replace(" ", "").contains("\"code\":0")) {
      throw new IOException("push refused: " + reply);
    }
  }

  @Override
  public ServerProcess process() {
    return process;
  }

  @Override
  public OptionalLong heapAfterGc() throws IOException, InterruptedException {
    return OptionalLong.of(ProcStats.heapAfterGc(process.pid()));
  }

  /** Kills the JVM at once: a benchmark server has nothing to hand over; a drain adds seconds. */
  @Override
  public void close() {
    process.kill();
  }
}
