package io.herald.it.support;

import io.herald.testkit.FreePorts;
import io.herald.testkit.HeraldProcess;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Herald's roles, each in a JVM of its own started through the launcher as an operator would (see
 * {@link HeraldProcess}), on one Redis and one Kafka topic, with timers short enough for tests (see
 * {@link Registry#FAST}): Comets report their rooms every 500 ms, Logic checks its store every 200
 * ms. Trust authentication on loopback listeners only. Every process started is stopped by {@link
 * #close()}, the last started first.
 */
public final class RoleCluster implements AutoCloseable {
  /** How long a role may take to start on a loaded 2-core machine. */
  public static final Duration START = Duration.ofSeconds(90);

  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xss512k");

  /** The registry's timings: how long a record lives, how often it is renewed and polled. */
  public record Registry(String ttl, String renewInterval, String pollInterval) {
    /** Records live 3 s, renewed every second, polled every 200 ms. */
    public static final Registry FAST = new Registry("3s", "1s", "200ms");
  }

  private final String redisUri;
  private final String kafka;
  private final String topic;
  private final String groupId;
  private final Registry registryTimings;
  private final Deque<HeraldProcess> started = new ArrayDeque<>();

  /** A cluster with {@link Registry#FAST} registry timings. */
  public RoleCluster(String redisUri, String kafka, String topic, String groupId) {
    this(redisUri, kafka, topic, groupId, Registry.FAST);
  }

  /**
   * @param redisUri the Redis every role uses (sessions, online reports, the registry)
   * @param kafka bootstrap servers
   * @param topic the push topic
   * @param groupId Job's consumer group
   */
  public RoleCluster(
      String redisUri, String kafka, String topic, String groupId, Registry registryTimings) {
    this.redisUri = redisUri;
    this.kafka = kafka;
    this.topic = topic;
    this.groupId = groupId;
    this.registryTimings = registryTimings;
  }

  /** A Logic role: where it listens, and its process. */
  public record Logic(HeraldProcess process, int httpPort, int grpcPort) {
    public String url(String path) {
      return "http://127.0.0.1:" + httpPort + path;
    }
  }

  /** A Comet role: its id, ports and process. */
  public record Comet(
      String id, HeraldProcess process, int tcpPort, int wsPort, int grpcPort, int adminPort) {
    public String adminUrl(String path) {
      return "http://127.0.0.1:" + adminPort + path;
    }
  }

  /** A role with one HTTP port (Job, Balancer). */
  public record Role(HeraldProcess process, int port) {
    public String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }
  }

  /** Starts Logic on fresh ports and waits until it is ready. */
  public Logic logic() {
    return logic(FreePorts.next(), FreePorts.next());
  }

  /** Starts Logic on these ports (again, after a restart) and waits until it is ready. */
  public Logic logic(int httpPort, int grpcPort) {
    String yaml =
        lines(
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: trust, allowTrust: true}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redisUri + "', keyPrefix: herald, timeout: 1s}",
            "  onlineTtl: 3s",
            "  onlineRefresh: 500ms",
            "  checkInterval: 200ms",
            "push:",
            "  kafka: {bootstrapServers: '" + kafka + "', topic: " + topic + "}",
            "  api: {requireToken: false}",
            "receive: {sink: log}",
            registry());
    Logic logic = new Logic(launch("logic-" + httpPort, "logic", yaml), httpPort, grpcPort);
    logic.process().awaitOk(logic.url("/ready"), START);
    return logic;
  }

  /** Starts a Comet calling {@code logic} and waits until it is ready. */
  public Comet comet(String id, Logic logic) {
    int tcp = FreePorts.next();
    int ws = FreePorts.next();
    int grpc = FreePorts.next();
    int admin = FreePorts.next();
    String yaml =
        lines(
            "node: {serverId: " + id + ", grpcAddress: '127.0.0.1:" + grpc + "'}",
            "listen:",
            "  host: 127.0.0.1",
            "  tcpPort: " + tcp,
            "  wsPort: " + ws,
            "  wssPort: 0",
            "  grpcPort: " + grpc,
            "  adminPort: " + admin,
            "logic: {target: '127.0.0.1:" + logic.grpcPort() + "'}",
            "onlineReport: 500ms",
            "drain: 2s",
            registry());
    Comet comet = new Comet(id, launch(id, "comet", yaml), tcp, ws, grpc, admin);
    comet.process().awaitOk(comet.adminUrl("/ready"), START);
    return comet;
  }

  /** Starts Job and waits until it is healthy. */
  public Role job() {
    int port = FreePorts.next();
    String yaml =
        lines(
            "server: {host: 127.0.0.1, port: " + port + "}",
            "kafka:",
            "  bootstrapServers: '" + kafka + "'",
            "  topic: " + topic,
            "  groupId: " + groupId,
            "  commitInterval: 200ms",
            registry(),
            "delivery: {initialBackoff: 50ms, maxBackoff: 500ms}");
    Role job = new Role(launch("job-" + port, "job", yaml), port);
    job.process().awaitOk(job.url("/health"), START);
    return job;
  }

  /** Starts a Balancer and waits until it is healthy. */
  public Role balancer() {
    int port = FreePorts.next();
    String yaml = lines("server: {host: 127.0.0.1, port: " + port + "}", registry());
    Role balancer = new Role(launch("balancer-" + port, "balancer", yaml), port);
    balancer.process().awaitOk(balancer.url("/health"), START);
    return balancer;
  }

  private HeraldProcess launch(String name, String role, String yaml) {
    HeraldProcess process = HeraldProcess.start(name, role, yaml, Map.of(), JVM);
    started.push(process);
    return process;
  }

  private String registry() {
    return lines(
        "registry:",
        "  backend: redis",
        "  redis: {uri: '" + redisUri + "', keyPrefix: 'herald:registry', timeout: 1s}",
        "  ttl: " + registryTimings.ttl(),
        "  renewInterval: " + registryTimings.renewInterval(),
        "  pollInterval: " + registryTimings.pollInterval());
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }
}
