package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldListener;
import io.herald.client.Message;
import io.herald.client.ReconnectPolicy;
import io.herald.client.Transport;
import io.herald.it.observability.ExportedQueries;
import io.herald.it.observability.ObservabilityFiles;
import io.herald.it.support.TestDevices;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.cluster.ServiceMetrics;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The distributed system on real backends: Logic (sessions in Redis, pushes into Kafka), Job, the
 * Balancer and IdGen (segments in PostgreSQL), and Comets, each role in a JVM of its own started
 * through the launcher (so that a Comet can be drained over gRPC and another killed), with clients
 * from the Java SDK; Logic takes message ids from IdGen. The tests run in order, as one story:
 * pushes of every kind, a drained Comet, a killed Comet, bad input, and at the end every metric the
 * dashboard and alert rules under {@code deploy/observability/} query is one the roles export.
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
  private static final ReconnectPolicy QUICK_RECONNECT =
      new ReconnectPolicy(
          Duration.ofMillis(200), 2.0, 1.0, Duration.ofSeconds(2), 5, Duration.ofSeconds(30));

  /** Sessions expire 4 s after their last renewal; a Comet renews them every second. */
  private static final RoleOptions LOGIC =
      RoleOptions.yaml(
          yaml ->
              yaml.put("store", "sessionTtl", "4s")
                  .put("store", "onlineRefresh", "200ms")
                  .put("push", "api", "{requireToken: true, tokens: ['" + TOKEN + "']}"));

  private static final RoleOptions COMET =
      RoleOptions.yaml(
          yaml ->
              yaml.set("node", yaml.get("node").replace("capacity: 10000", "capacity: 1000"))
                  .set("heartbeat", "{sessionRenewal: 1s}"));

  private final HttpClient http = HttpClient.newHttpClient();
  private HeraldCluster cluster;
  private RedisServer redis;
  private String sessionPrefix;
  private HeraldCluster.Logic logic;
  private HeraldCluster.Role job;
  private HeraldCluster.Role balancer;
  private HeraldCluster.Role idgen;
  private HeraldCluster.Comet cometA;
  private HeraldCluster.Comet cometB;
  private HeraldCluster.Comet cometC;
  private Device roaming;
  private final List<Device> devices = new ArrayList<>();

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka, PostgresServer postgres) throws Exception {
    this.redis = redis;
    sessionPrefix = redis.keyPrefix() + "s";
    cluster =
        new HeraldCluster(
            Backends.of(
                    redis.uri(), kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId())
                .withKeyPrefix(sessionPrefix));
    idgen = cluster.idgen(postgres.jdbcUrl(), postgres.user(), postgres.password());
    // Pushes take their message ids from IdGen, as in production.
    logic =
        cluster.logic(
            LOGIC.withYaml(
                yaml ->
                    LOGIC
                        .yaml()
                        .apply(yaml)
                        .put(
                            "push",
                            "messageIds",
                            "{source: idgen, idgen: {target: '127.0.0.1:" + idgen.port() + "'}}")));
    job = cluster.job();
    balancer = cluster.balancer();

    cometA = cluster.comet("e2e-comet-a", logic, COMET);
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-a"));
    // Connected while A is the only Comet the Balancer knows, so it starts on A.
    roaming =
        device(3, Transport.TCP, ProtocolVersion.V2, tcp(cometA), URI.create(balancer.url("")));
    cometB = cluster.comet("e2e-comet-b", logic, COMET);
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-a", "e2e-comet-b"));
  }

  @AfterAll
  void stop() {
    devices.forEach(Device::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void pushesByKeyMidRoomAndToAllReachExactlyTheirTargets() throws Exception {
    Device phone = device(1, Transport.TCP, ProtocolVersion.V1, tcp(cometA));
    Device browser = device(1, Transport.WEBSOCKET, ProtocolVersion.V2, ws(cometB));
    Device other = device(2, Transport.TCP, ProtocolVersion.V2, tcp(cometB));
    assertThat(phone.node()).isEqualTo(tcp(cometA));
    assertThat(browser.node()).isEqualTo(ws(cometB));

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
    HttpResponse<String> first = getFrom(idgen.port(), "/ids/order?count=3");
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = getFrom(idgen.port(), "/ids/no-such-tag");
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void aDrainedCometsClientsMoveToTheOtherAndKeepReceiving() throws Exception {
    assertThat(roaming.node()).isEqualTo(tcp(cometA));

    // No hints: the client finds the other Comet through the Balancer, which stops offering A.
    drain(cometA, Duration.ofSeconds(3));

    await().atMost(WAIT).until(() -> roaming.node().equals(tcp(cometB)));
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
    cometC = cluster.comet("e2e-comet-c", logic, COMET);
    await().atMost(WAIT).until(() -> balancerLists("e2e-comet-c"));
    Device survivor = roaming; // on B since the drain
    // Version 2, so the client learns the key the Comet gave it.
    Device stranded = device(4, Transport.TCP, ProtocolVersion.V2, tcp(cometB));
    String strandedKey = stranded.key();
    assertThat(redisExists(sessionPrefix + ":key:" + strandedKey)).isTrue();

    cometB.process().kill();

    // The survivor asks the Balancer, is refused by the dead Comet, and lands on C.
    await().atMost(WAIT).until(() -> survivor.node().equals(tcp(cometC)));
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
    try (WireClient early = WireClient.tcp(cometC.tcpPort(), ProtocolVersion.V1)) {
      // A heartbeat (op 2), protocol version 1, before any AUTH.
      early.send(Op.HEARTBEAT, 1, "");
      assertThat(early.closed()).as("closed by the Comet").succeedsWithin(WAIT);
    }
    push("/goim/push/mids?operation=1000&mids=3", "still served");
    roaming.awaitText("still served");
  }

  /**
   * The dashboard and the alert rules under {@code deploy/observability/} query only what the roles
   * export: every metric, and every label they select or group by, is in some role's {@code
   * /metrics} after this story's traffic and a refused AUTH.
   */
  @Test
  @Order(6)
  void everyMetricTheDashboardAndTheAlertsQueryIsExported() throws Exception {
    try (WireClient refused = WireClient.tcp(cometC.tcpPort(), ProtocolVersion.V2)) {
      refused.auth("not json"); // malformed: Logic refuses it, the Comet closes the connection
      assertThat(refused.closed()).as("closed by the Comet").succeedsWithin(WAIT);
    }
    List<String> expositions =
        Stream.of(
                logic.metrics(),
                job.metrics(),
                balancer.metrics(),
                idgen.metrics(),
                cometC.metrics())
            .map(ServiceMetrics::text)
            .toList();
    assertThat(expositions.get(0))
        .contains("herald_logic_auth_total{mode=\"trust\",result=\"malformed\"} 1.0");

    assertThat(ExportedQueries.problems(expositions)).isEmpty();
    // The check sees a panel that names what no role exports.
    String dashboard = Files.readString(ObservabilityFiles.DASHBOARD);
    assertThat(
            ExportedQueries.dashboardProblems(
                dashboard.replace("herald_job_consumer_lag", "herald_job_consumer_lagg"),
                expositions))
        .anyMatch(problem -> problem.contains("herald_job_consumer_lagg is exported by no role"));
  }

  // ---- the parts ----

  private static String tcp(HeraldCluster.Comet comet) {
    return "127.0.0.1:" + comet.tcpPort();
  }

  private static String ws(HeraldCluster.Comet comet) {
    return "127.0.0.1:" + comet.wsPort();
  }

  /** Asks {@code comet} over its gRPC to drain, with no hints, closing what stays at the end. */
  private static void drain(HeraldCluster.Comet comet, Duration grace) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilder(comet.grpcAddress(), InsecureChannelCredentials.create()).build();
    try {
      var unused =
          CometGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .drain(DrainRequest.newBuilder().setGraceMs(grace.toMillis()).build());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
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
              .heartbeat(TestDevices.FAST_HEARTBEAT)
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

  private boolean balancerLists(String... serverIds) throws Exception {
    String body = getFrom(balancer.port(), "/nodes?limit=10").body();
    for (String id : serverIds) {
      if (!body.contains("\"server_id\":\"" + id + "\"")) {
        return false;
      }
    }
    return true;
  }

  private URI logic(String path) {
    return URI.create(logic.url(path));
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
}
