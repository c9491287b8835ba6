package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.balancer.server.BalancerConfig;
import io.herald.balancer.server.BalancerServer;
import io.herald.client.HeartbeatPolicy;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldListener;
import io.herald.client.Message;
import io.herald.client.ReconnectPolicy;
import io.herald.client.Transport;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.config.ConfigLoader;
import io.herald.idgen.server.IdGenConfig;
import io.herald.idgen.server.IdGenServer;
import io.herald.job.config.JobConfig;
import io.herald.job.server.JobServer;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.registry.Registries;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed system on real backends: Logic (sessions in Redis, pushes into Kafka), Job, the
 * Balancer and IdGen (segments in PostgreSQL), each on its own ports, and Comets — one in this JVM
 * and one in a JVM of its own, so that it can be killed — with clients from the Java SDK. The tests
 * run in order, as one story: pushes of every kind, a drained Comet, a killed Comet, bad input.
 */
@RealRedis
@RealKafka
@RealPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "e2e-token-0123456789abcdef0123456789";
  private static final String ROOM = "e2e";
  private static final HeartbeatPolicy FAST_HEARTBEAT =
      HeartbeatPolicy.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(3));
  private static final ReconnectPolicy QUICK_RECONNECT =
      new ReconnectPolicy(
          Duration.ofMillis(200), 2.0, 1.0, Duration.ofSeconds(2), 5, Duration.ofSeconds(30));

  private final Deque<Runnable> stops = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Path dir;
  private RedisServer redis;
  private String sessionPrefix;
  private String registryPrefix;
  private int logicHttp;
  private int logicGrpc;
  private int balancerPort;
  private int idgenPort;
  private Comet cometA;
  private Comet cometB;
  private Process cometBProcess;
  private Comet cometC;
  private Device roaming;
  private final List<Device> devices = new ArrayList<>();

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka, PostgresServer postgres, @TempDir Path dir)
      throws Exception {
    this.dir = dir;
    this.redis = redis;
    sessionPrefix = redis.keyPrefix() + "s";
    registryPrefix = redis.keyPrefix() + "registry";
    String topic = kafka.newTopic(4);
    logicHttp = FreePorts.next();
    logicGrpc = FreePorts.next();
    balancerPort = FreePorts.next();
    idgenPort = FreePorts.next();

    LogicServer logic =
        new LogicServer(
            load(
                LogicConfig.class,
                LogicConfig.defaults(),
                "LOGIC",
                "server: {host: 127.0.0.1, httpPort: "
                    + logicHttp
                    + ", grpcPort: "
                    + logicGrpc
                    + "}",
                "auth: {mode: trust, allowTrust: true}",
                "store:",
                "  backend: redis",
                "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + sessionPrefix + "'}",
                "  sessionTtl: 4s",
                "  onlineTtl: 3s",
                "  onlineRefresh: 200ms",
                "push:",
                "  kafka: {bootstrapServers: '"
                    + kafka.bootstrapServers()
                    + "', topic: "
                    + topic
                    + "}",
                "  api: {requireToken: true, tokens: ['" + TOKEN + "']}",
                "receive: {sink: log}",
                registry()),
            Clock.systemUTC(),
            meters());
    logic.start();
    stops.push(logic::stop);

    JobServer job =
        new JobServer(
            load(
                JobConfig.class,
                JobConfig.defaults(),
                "JOB",
                "server: {host: 127.0.0.1, port: " + FreePorts.next() + "}",
                "kafka:",
                "  bootstrapServers: '" + kafka.bootstrapServers() + "'",
                "  topic: " + topic,
                "  groupId: " + kafka.newGroupId(),
                "  commitInterval: 200ms",
                registry(),
                "delivery: {initialBackoff: 50ms, maxBackoff: 500ms}"),
            Clock.systemUTC(),
            meters());
    job.start();
    stops.push(job::stop);

    BalancerConfig balancerConfig =
        load(
            BalancerConfig.class,
            BalancerConfig.defaults(),
            "BALANCER",
            "server: {host: 127.0.0.1, port: " + balancerPort + "}",
            registry());
    PrometheusMeterRegistry balancerMeters = meters();
    BalancerServer balancer =
        new BalancerServer(
            balancerConfig,
            Registries.create(balancerConfig.registry(), Clock.systemUTC(), balancerMeters),
            balancerMeters);
    balancer.start();
    stops.push(balancer::stop);

    IdGenServer idgen =
        new IdGenServer(
            load(
                IdGenConfig.class,
                IdGenConfig.defaults(),
                "IDGEN",
                "server: {host: 127.0.0.1, port: " + idgenPort + "}",
                "database:",
                "  url: '" + postgres.jdbcUrl() + "'",
                "  user: '" + postgres.user() + "'",
                "  password: '" + postgres.password() + "'"),
            Clock.systemUTC(),
            meters());
    idgen.start();
    stops.push(idgen::stop);

    cometA = inProcessComet("e2e-comet-a");
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-a"));
    // Connected while A is the only Comet the Balancer knows, so it starts on A.
    roaming = device(3, Transport.TCP, ProtocolVersion.V2, cometA.tcp(), URI.create(balancerUri()));
    cometB = forkedComet("e2e-comet-b");
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-a", "e2e-comet-b"));
  }

  @AfterAll
  void stop() {
    devices.forEach(Device::close);
    if (cometBProcess != null) {
      cometBProcess.destroyForcibly();
    }
    while (!stops.isEmpty()) {
      try {
        stops.pop().run();
      } catch (RuntimeException e) {
        // keep stopping the rest
      }
    }
  }

  @Test
  @Order(1)
  void pushesByKeyMidRoomAndToAllReachExactlyTheirTargets() throws Exception {
    Device phone = device(1, Transport.TCP, ProtocolVersion.V1, cometA.tcp());
    Device browser = device(1, Transport.WEBSOCKET, ProtocolVersion.V2, cometB.ws());
    Device other = device(2, Transport.TCP, ProtocolVersion.V2, cometB.tcp());
    assertThat(phone.node()).isEqualTo(cometA.tcp());
    assertThat(browser.node()).isEqualTo(cometB.ws());

    push("/goim/push/mids?operation=1000&mids=1", "to user 1");
    phone.awaitText("to user 1");
    browser.awaitText("to user 1");

    push("/goim/push/keys?operation=1000&keys=" + other.key(), "to one device");
    other.awaitText("to one device");

    push("/goim/push/room?operation=1000&type=live&room=" + ROOM, "to the room");
    phone.awaitText("to the room");
    browser.awaitText("to the room");
    other.awaitText("to the room");

    push("/goim/push/all?operation=1000", "to everyone");
    phone.awaitText("to everyone");
    browser.awaitText("to everyone");
    other.awaitText("to everyone");

    assertThat(phone.texts()).containsExactly("to user 1", "to the room", "to everyone");
    assertThat(other.texts()).containsExactly("to one device", "to the room", "to everyone");

    // Both Comets report their rooms; Logic sums them.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get("/goim/online/room?type=live&rooms=" + ROOM + ",nobody").body())
                    .contains("\"" + ROOM + "\":4", "\"nobody\":0"));
    assertThat(get("/goim/online/total").body()).contains("\"conn_count\":4");
  }

  @Test
  @Order(2)
  void idsComeFromIdGenOnPostgres() throws Exception {
    HttpResponse<String> first = getFrom(idgenPort, "/ids/order?count=3");
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = getFrom(idgenPort, "/ids/no-such-tag");
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void aDrainedCometsClientsMoveToTheOtherAndKeepReceiving() throws Exception {
    assertThat(roaming.node()).isEqualTo(cometA.tcp());

    // No hints: the client finds the other Comet through the Balancer, which stops offering A.
    cometA.server().drain(List.of(), Duration.ofSeconds(3));

    await().atMost(WAIT).until(() -> roaming.node().equals(cometB.tcp()));
    await().atMost(WAIT).until(() -> !balancerLists("e2e-comet-a"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              push("/goim/push/room?operation=1000&type=live&room=" + ROOM, "after the drain");
              roaming.awaitText("after the drain", Duration.ofSeconds(2));
            });
  }

  @Test
  @Order(4)
  void aKilledCometsClientsReconnectElsewhereAndItsSessionsExpire() throws Exception {
    cometC = inProcessComet("e2e-comet-c");
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-c"));
    Device survivor = roaming; // on B since the drain
    // Version 2, so the client learns the key the Comet gave it.
    Device stranded = device(4, Transport.TCP, ProtocolVersion.V2, cometB.tcp());
    String strandedKey = stranded.key();
    assertThat(redisExists(sessionPrefix + ":key:" + strandedKey)).isTrue();

    cometBProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    // The survivor asks the Balancer, is refused by the dead Comet, and lands on C.
    await().atMost(WAIT).until(() -> survivor.node().equals(cometC.tcp()));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              push("/goim/push/mids?operation=1000&mids=3", "after the kill");
              survivor.awaitText("after the kill", Duration.ofSeconds(2));
            });
    // Nobody renews what the dead Comet held: its sessions expire (sessionTtl 4 s).
    await()
        .atMost(WAIT)
        .until(
            () ->
                !redisExists(sessionPrefix + ":key:" + strandedKey)
                    && !redisExists(sessionPrefix + ":server:e2e-comet-b"));
    await().atMost(WAIT).until(() -> !balancerLists("e2e-comet-b"));
  }

  @Test
  @Order(5)
  void badPushRequestsAndBadClientInputAreAnsweredAsDocumented() throws Exception {
    HttpResponse<String> noToken =
        http.send(
            HttpRequest.newBuilder(logic("/goim/push/all?operation=1000"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.body()).contains("\"code\":-401");

    HttpResponse<String> noRoom = pushResponse("/goim/push/room?operation=1000&type=live", "x");
    // goim's convention, kept (docs/api.md): HTTP 200, the refusal in the body's code.
    assertThat(noRoom.statusCode()).isEqualTo(200);
    assertThat(noRoom.body()).contains("\"code\":-400", "room");

    // A client that speaks before AUTH is closed; the Comet goes on serving the others.
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), cometC.tcpPort())) {
      raw.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = raw.getOutputStream();
      // A heartbeat (op 2), protocol version 1, before any AUTH.
      out.write(new byte[] {0, 0, 0, 16, 0, 16, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1});
      InputStream in = raw.getInputStream();
      assertThat(readToEnd(in)).as("closed by the Comet").isTrue();
    }
    push("/goim/push/mids?operation=1000&mids=3", "still served");
    roaming.awaitText("still served");
  }

  // ---- the parts ----

  private record Comet(String serverId, CometServer server, int tcpPort, int wsPort) {
    String tcp() {
      return "127.0.0.1:" + tcpPort;
    }

    String ws() {
      return "127.0.0.1:" + wsPort;
    }
  }

  private Comet inProcessComet(String serverId) {
    int tcp = FreePorts.next();
    int ws = FreePorts.next();
    CometConfig config =
        load(CometConfig.class, CometConfig.defaults(), "COMET", cometYaml(serverId, tcp, ws));
    CometServer server = new CometServer(config, Clock.systemUTC(), meters());
    server.start();
    stops.push(() -> server.stop(Duration.ofSeconds(2)));
    return new Comet(serverId, server, tcp, ws);
  }

  /** A Comet in a JVM of its own (this test's classpath), so it can be killed outright. */
  private Comet forkedComet(String serverId) throws IOException {
    int tcp = FreePorts.next();
    int ws = FreePorts.next();
    Path file = write(serverId + ".yaml", cometYaml(serverId, tcp, ws));
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.herald.comet.server.CometMain",
            file.toString());
    cometBProcess =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(serverId + ".log").toFile())
            .start();
    return new Comet(serverId, null, tcp, ws);
  }

  private String[] cometYaml(String serverId, int tcp, int ws) {
    return new String[] {
      "node: {serverId: " + serverId + ", capacity: 1000}",
      "listen: {host: 127.0.0.1, tcpPort: "
          + tcp
          + ", wsPort: "
          + ws
          + ", grpcPort: "
          + FreePorts.next()
          + ", adminPort: "
          + FreePorts.next()
          + "}",
      "logic: {target: '127.0.0.1:" + logicGrpc + "'}",
      "heartbeat: {sessionRenewal: 1s}",
      "onlineReport: 200ms",
      registry()
    };
  }

  private String registry() {
    return String.join(
        "\n",
        "registry:",
        "  backend: redis",
        "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + registryPrefix + "'}",
        "  ttl: 3s",
        "  renewInterval: 500ms",
        "  pollInterval: 200ms");
  }

  private <C> C load(Class<C> type, C defaults, String prefix, String... yaml) {
    Path file = write(prefix.toLowerCase(java.util.Locale.ROOT) + FreePorts.next() + ".yaml", yaml);
    return new ConfigLoader<>(type, defaults, prefix).load(file, Map.of()).config();
  }

  private Path write(String name, String... lines) {
    Path file = dir.resolve(name);
    try {
      Files.writeString(file, String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static PrometheusMeterRegistry meters() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  // ---- clients ----

  /** An SDK client in room {@link #ROOM} that keeps the texts it receives. */
  private static final class Device implements AutoCloseable {
    final HeraldClient client;
    final List<String> received = new CopyOnWriteArrayList<>();

    Device(long mid, HeraldClient.Builder builder) {
      this.client =
          builder
              .mid(mid)
              .room("live://" + ROOM)
              .accepts(1000)
              .heartbeat(FAST_HEARTBEAT)
              .reconnect(QUICK_RECONNECT)
              .listener(
                  new HeraldListener() {
                    @Override
                    public void onMessage(Message message) {
                      if (message.op() == 1000) {
                        received.add(message.text());
                      }
                    }
                  })
              .build();
    }

    String node() {
      return client.connection().map(c -> c.node()).orElse("");
    }

    String key() {
      return client.connection().orElseThrow().key();
    }

    List<String> texts() {
      return List.copyOf(received);
    }

    void awaitText(String text) {
      awaitText(text, WAIT);
    }

    void awaitText(String text, Duration timeout) {
      await().atMost(timeout).until(() -> received.contains(text));
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private Device device(long mid, Transport transport, ProtocolVersion version, String node)
      throws Exception {
    return device(mid, transport, version, node, null);
  }

  private Device device(
      long mid, Transport transport, ProtocolVersion version, String node, URI balancer)
      throws Exception {
    HeraldClient.Builder builder =
        HeraldClient.builder().transport(transport).protocolVersion(version).nodes(node);
    if (balancer != null) {
      builder.balancer(balancer);
    }
    Device device = new Device(mid, builder);
    devices.add(device);
    device.client.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return device;
  }

  // ---- HTTP and Redis ----

  private String balancerUri() {
    return "http://127.0.0.1:" + balancerPort;
  }

  private boolean balancerLists(String... serverIds) throws Exception {
    String body = getFrom(balancerPort, "/nodes?limit=10").body();
    for (String id : serverIds) {
      if (!body.contains("\"server_id\":\"" + id + "\"")) {
        return false;
      }
    }
    return true;
  }

  private URI logic(String path) {
    return URI.create("http://127.0.0.1:" + logicHttp + path);
  }

  private void push(String path, String body) throws Exception {
    HttpResponse<String> response = pushResponse(path, body);
    assertThat(response.body()).as(path).contains("\"code\":0");
  }

  private HttpResponse<String> pushResponse(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(logic(path))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(logic(path))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(WAIT)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getFrom(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private boolean redisExists(String key) {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return connection.sync().exists(key) > 0;
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Reads until the peer closes; true if it did within the socket's timeout. */
  private static boolean readToEnd(InputStream in) throws IOException {
    byte[] buffer = new byte[1024];
    try {
      while (in.read(buffer) >= 0) {
        // a disconnect notice may come first
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }
}
