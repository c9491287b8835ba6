package io.herald.logic.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.logic.support.TopicReader;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.queue.v1.PushType;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleYaml;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The admin console's API on a real Logic (sessions, online counts and the registry in a real
 * Redis, pushes into a real Kafka topic), over real HTTP: tokens, every bad parameter, the Comets
 * the registry lists, online counts the Comets report, a push through Logic's push path, and a
 * drain sent to a Comet's gRPC service (here a stand-in that records the request; the drain of a
 * real Comet, seen by its clients, is {@code dist}'s {@code AdminConsoleIT}).
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleIT {
  private static final String TOKEN = "admin-token-0123456789abcdef";
  private static final String NEXT_TOKEN = "admin-token-rotated-0123456789";
  private static final String COMET_TOKEN = "comet-drain-token-0123456789";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String PUSH_TOKEN = "push-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<DrainRequest> drains = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private PrometheusMeterRegistry meters;
  private LogicServer logic;
  private Registry registry;
  private Server standInComet;
  private ManagedChannel logicChannel;
  private TopicReader topic;
  private int deadPort;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) throws IOException {
    Logger consoleLog = (Logger) LoggerFactory.getLogger(AdminConsole.class);
    consoleLog.setLevel(Level.INFO);
    consoleLog.addAppender(logged);
    logged.start();
    String topicName = kafka.newTopic(1);
    Backends backends =
        new Backends(
            redis.uri(),
            redis.keyPrefix() + "admin",
            kafka.bootstrapServers(),
            topicName,
            "",
            new Backends.Registry("60s", "500ms", "200ms"));
    int grpcPort = FreePorts.next();
    RoleYaml yaml =
        RoleConfigs.logic(backends, FreePorts.next(), grpcPort)
            .block(
                "push",
                "kafka: {bootstrapServers: '"
                    + kafka.bootstrapServers()
                    + "', topic: "
                    + topicName
                    + "}",
                "api: {requireToken: true, tokens: [" + PUSH_TOKEN + "]}")
            .set(
                "admin",
                "{tokens: [" + TOKEN + ", " + NEXT_TOKEN + "], cometToken: " + COMET_TOKEN + "}");
    LogicConfig config = yaml.load(LogicConfig.class, LogicConfig.defaults(), "LOGIC");
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    logic = new LogicServer(config, Clock.systemUTC(), meters);
    logic.start();
    topic = new TopicReader(kafka, topicName);

    int cometPort = FreePorts.next();
    standInComet =
        Grpc.newServerBuilderForPort(cometPort, InsecureServerCredentials.create())
            .addService(
                ServerInterceptors.intercept(
                    new CometGrpc.CometImplBase() {
                      @Override
                      public void drain(DrainRequest request, StreamObserver<DrainResponse> out) {
                        drains.add(request);
                        out.onNext(
                            DrainResponse.newBuilder()
                                .setConnections(7)
                                .setDeadlineUnixMs(1_800_000_000_000L)
                                .setAlreadyDraining(drains.size() > 1)
                                .build());
                        out.onCompleted();
                      }
                    },
                    new ServerInterceptor() {
                      @Override
                      public <Q, R> ServerCall.Listener<Q> interceptCall(
                          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        authorizations.add(String.valueOf(headers.get(AUTHORIZATION)));
                        return next.startCall(call, headers);
                      }
                    }))
            .build()
            .start();
    deadPort = FreePorts.next();

    registry = Registries.create(config.registry(), Clock.systemUTC(), meters);
    registry.start();
    register("east-1", "cn-east", 120, NodeState.NODE_STATE_UP, cometPort);
    register("east-2", "cn-east", 30, NodeState.NODE_STATE_DRAINING, deadPort);
    register("south-1", "cn-south", 50, NodeState.NODE_STATE_UP, deadPort);
    await().atMost(WAIT).until(() -> get("comets", TOKEN).body().contains("south-1"));

    logicChannel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    Logger consoleLog = (Logger) LoggerFactory.getLogger(AdminConsole.class);
    consoleLog.detachAppender(logged);
    consoleLog.setLevel(null);
    if (logicChannel != null) {
      logicChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (topic != null) {
      topic.close();
    }
    if (registry != null) {
      registry.stop();
    }
    if (logic != null) {
      logic.stop();
    }
    if (standInComet != null) {
      standInComet.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void register(String id, String region, long connections, NodeState state, int grpcPort) {
    registry
        .register(
            CometNode.newBuilder()
                .setServerId(id)
                .setRegion(region)
                .setWeight(10)
                .setCapacity(1000)
                .setConnections(connections)
                .setState(state)
                .setEpoch(1_700_000_000_000L)
                .setTcpAddress("127.0.0.1:3101")
                .setGrpcAddress("127.0.0.1:" + grpcPort)
                .build())
        .join();
  }

  @Test
  void everyEndpointRefusesAMissingAWrongAndAPushToken() throws Exception {
    int drainsBefore = drains.size();
    Map<String, HttpRequest.Builder> endpoints =
        Map.of(
            "comets", request("comets").GET(),
            "online", request("online").GET(),
            "push", request("push").POST(body("{}")),
            "drain", request("comets/east-1/drain").POST(body("{}")));
    for (var endpoint : endpoints.entrySet()) {
      HttpResponse<String> none = send(endpoint.getValue());
      assertRefused(none, "missing bearer token (expected: Authorization: Bearer <token>)");
      HttpResponse<String> wrong =
          send(endpoint.getValue().setHeader("Authorization", "Bearer not-the-admin-token"));
      assertRefused(wrong, "invalid bearer token");
      HttpResponse<String> pushToken =
          send(endpoint.getValue().setHeader("Authorization", "Bearer " + PUSH_TOKEN));
      assertRefused(pushToken, "invalid bearer token");
      assertThat(
              meters
                  .counter(
                      "herald.logic.admin.requests",
                      "endpoint",
                      endpoint.getKey(),
                      "result",
                      "unauthorized")
                  .count())
          .as(endpoint.getKey())
          .isEqualTo(3);
    }
    assertThat(drains).as("no drain reached the Comet").hasSize(drainsBefore);
    assertThat(logged.list)
        .map(ILoggingEvent::getFormattedMessage)
        .filteredOn(line -> line.startsWith("Admin console: refused"))
        .hasSize(12)
        .contains(
            "Admin console: refused GET /herald/admin/api/comets from 127.0.0.1: invalid bearer token")
        .noneMatch(line -> line.contains("not-the-admin-token") || line.contains(PUSH_TOKEN));
    // Both tokens of the list work: one can be rotated in before the other goes.
    assertThat(get("comets", NEXT_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void thePageIsServedWithoutATokenAndAllowsOnlyItsOwnOrigin() throws Exception {
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/herald/admin/")).GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Herald console</title>");
    assertThat(page.headers().firstValue("content-security-policy"))
        .hasValue(AdminConsole.CONTENT_SECURITY_POLICY);
    assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(send(HttpRequest.newBuilder(uri("/herald/admin/console.js")).GET()).statusCode())
        .isEqualTo(200);
    HttpResponse<String> bare = send(HttpRequest.newBuilder(uri("/herald/admin")).GET());
    assertThat(bare.statusCode()).isEqualTo(307);
    assertThat(bare.headers().firstValue("location")).hasValue("/herald/admin/");
  }

  @Test
  void cometsAreListedByRegionWithWhatTheyRegistered() throws Exception {
    JsonNode answer = json(get("comets", TOKEN), 200);

    JsonNode regions = answer.get("regions");
    assertThat(regions.findValuesAsText("region")).startsWith("cn-east");
    assertThat(regions).hasSize(2);
    JsonNode east = regions.get(0);
    assertThat(east.get("comets").asInt()).isEqualTo(2);
    assertThat(east.get("draining").asInt()).isEqualTo(1);
    assertThat(east.get("connections").asLong()).isEqualTo(150);
    JsonNode first = east.get("nodes").get(0);
    assertThat(first.get("server_id").asText()).isEqualTo("east-1");
    assertThat(first.get("state").asText()).isEqualTo("up");
    assertThat(first.get("connections").asLong()).isEqualTo(120);
    assertThat(first.get("weight").asInt()).isEqualTo(10);
    assertThat(first.get("capacity").asLong()).isEqualTo(1000);
    assertThat(first.get("tcp_address").asText()).isEqualTo("127.0.0.1:3101");
    assertThat(first.get("last_renew_age_ms").asLong()).isBetween(0L, 60_000L);
    assertThat(east.get("nodes").get(1).get("state").asText()).isEqualTo("draining");
    assertThat(regions.get(1).get("region").asText()).isEqualTo("cn-south");
  }

  @Test
  void onlineTotalsAndTopRoomsSumWhatTheCometsReport() throws Exception {
    LogicGrpc.LogicBlockingStub stub = LogicGrpc.newBlockingStub(logicChannel);
    stub.renewOnline(
        RenewOnlineRequest.newBuilder()
            .setServerId("east-1")
            .setServerEpoch(1)
            .putRoomCounts("live://1000", 5)
            .putRoomCounts("chat://7", 9)
            .setConnections(14)
            .setClientIps(11)
            .build());
    stub.renewOnline(
        RenewOnlineRequest.newBuilder()
            .setServerId("south-1")
            .setServerEpoch(1)
            .putRoomCounts("live://1000", 6)
            .putRoomCounts("live://2000", 1)
            .setConnections(7)
            .setClientIps(3)
            .build());

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(json(get("online", TOKEN), 200).toString())
                    .isEqualTo(
                        "{\"totals\":{\"conn_count\":21,\"ip_count\":14},\"top\":["
                            + "{\"room\":\"live://1000\",\"count\":11},"
                            + "{\"room\":\"chat://7\",\"count\":9},"
                            + "{\"room\":\"live://2000\",\"count\":1}]}"));
    assertThat(json(get("online?type=live&limit=1", TOKEN), 200).get("top").toString())
        .isEqualTo("[{\"room\":\"live://1000\",\"count\":11}]");
    assertThat(
            json(get("comets", TOKEN), 200)
                .get("regions")
                .get(0)
                .get("nodes")
                .get(0)
                .get("ip_count")
                .asLong())
        .isEqualTo(11);
  }

  @Test
  void aPushGoesThroughLogicsPushPathIntoKafka() throws Exception {
    JsonNode all =
        json(
            post(
                "push", "{\"target\":\"all\",\"operation\":1001,\"speed\":50,\"body\":\"to all\"}"),
            200);
    JsonNode keys =
        json(
            post(
                "push",
                "{\"target\":\"keys\",\"operation\":1000,\"keys\":[\"gone\"],\"body\":\"x\"}"),
            200);

    assertThat(all.get("target").asText()).isEqualTo("all");
    TopicReader.Read record = topic.take(1).get(0);
    assertThat(record.msg().getType()).isEqualTo(PushType.PUSH_TYPE_BROADCAST);
    assertThat(record.msg().getOp()).isEqualTo(1001);
    assertThat(record.msg().getSpeed()).isEqualTo(50);
    assertThat(record.msg().getBody().toStringUtf8()).isEqualTo("to all");
    assertThat(record.msg().getMessageId())
        .isEqualTo(Long.parseLong(all.get("message_id").asText()));
    assertThat(keys.get("offline").toString()).isEqualTo("[\"gone\"]");
    assertThat(logged.list)
        .map(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            line -> line.startsWith("Admin console: 127.0.0.1 pushed to all (operation 1001"));
  }

  @Test
  void badParametersAre400NamingTheParameter() throws Exception {
    int drainsBefore = drains.size();
    String big = "x".repeat(4097);
    Map<String, String> pushes =
        Map.ofEntries(
            Map.entry(
                "{\"operation\":1000,\"body\":\"x\"}",
                "target: missing (expected: one of keys, mids, room, all)"),
            Map.entry(
                "{\"target\":\"users\"}",
                "target: \"users\" (expected: one of keys, mids, room, all)"),
            Map.entry(
                "{\"target\":\"all\",\"body\":\"x\"}", "operation: missing (expected: an integer)"),
            Map.entry(
                "{\"target\":\"all\",\"operation\":\"abc\",\"body\":\"x\"}",
                "operation: \"abc\" (expected: an integer)"),
            Map.entry(
                "{\"target\":\"all\",\"operation\":6,\"body\":\"x\"}",
                "operation: 6 (expected: >= 1000, a business op; 6 is the wire protocol's DISCONNECT_REPLY)"),
            Map.entry(
                "{\"target\":\"all\",\"operation\":1000}",
                "body: missing (expected: the message, a string)"),
            Map.entry(
                "{\"target\":\"all\",\"operation\":1000,\"body\":\"" + big + "\"}",
                "body: 4097 bytes (expected: at most 4096)"),
            Map.entry(
                "{\"target\":\"keys\",\"operation\":1000,\"body\":\"x\"}",
                "keys: missing (expected: a JSON array of device keys)"),
            Map.entry(
                "{\"target\":\"keys\",\"operation\":1000,\"keys\":[],\"body\":\"x\"}",
                "keys: empty (expected: 1 to 1000 device keys)"),
            Map.entry(
                "{\"target\":\"mids\",\"operation\":1000,\"mids\":[\"1\",\"x\"],\"body\":\"x\"}",
                "mids[1]: \"x\" (expected: a 64-bit integer)"),
            Map.entry(
                "{\"target\":\"room\",\"operation\":1000,\"type\":\"live\",\"body\":\"x\"}",
                "room: missing (expected: a value)"),
            Map.entry(
                "{\"target\":\"all\",\"operation\":1000,\"speed\":-1,\"body\":\"x\"}",
                "speed: -1 (expected: >= 0)"),
            Map.entry("not json", "body: not JSON"),
            Map.entry("[1]", "body: array (expected: a JSON object)"));
    for (var push : pushes.entrySet()) {
      assertThat(error(post("push", push.getKey()), 400))
          .as(push.getKey())
          .startsWith(push.getValue());
    }
    assertThat(error(get("online?limit=0", TOKEN), 400)).isEqualTo("limit: 0 (expected: 1-1000)");
    assertThat(error(get("online?limit=ten", TOKEN), 400))
        .isEqualTo("limit: 'ten' (expected: an integer, 1-1000)");
    assertThat(error(get("online?type=a%20b", TOKEN), 400))
        .isEqualTo("type: 'a b' (expected: no whitespace and no ://)");
    for (String grace : List.of("0", "601", "\"30\"", "1.5")) {
      assertThat(error(post("comets/east-1/drain", "{\"grace_seconds\":" + grace + "}"), 400))
          .as(grace)
          .isEqualTo(
              "grace_seconds: "
                  + grace
                  + " (expected: an integer, 1-600, or absent for the Comet's own drain setting)");
    }
    assertThat(error(get("nothing-here", TOKEN), 404))
        .startsWith("path: GET /herald/admin/api/nothing-here (expected: ");
    assertThat(
            meters
                .counter("herald.logic.admin.requests", "endpoint", "push", "result", "bad_request")
                .count())
        .isEqualTo(pushes.size());
    assertThat(drains).as("no drain reached the Comet").hasSize(drainsBefore);
  }

  @Test
  void aDrainReachesTheCometsGrpcServiceWithItsGrace() throws Exception {
    drains.clear();
    authorizations.clear();
    JsonNode first = json(post("comets/east-1/drain", "{\"grace_seconds\":45}"), 200);
    JsonNode again = json(post("comets/east-1/drain", ""), 200);

    assertThat(first.toString())
        .isEqualTo(
            "{\"server_id\":\"east-1\",\"state\":\"draining\",\"connections\":7,"
                + "\"deadline_unix_ms\":1800000000000,\"already_draining\":false}");
    assertThat(again.get("already_draining").asBoolean()).isTrue();
    assertThat(drains).extracting(DrainRequest::getGraceMs).containsExactly(45_000L, 0L);
    assertThat(authorizations)
        .as("admin.cometToken, not the operator's token, goes to the Comet")
        .containsExactly("Bearer " + COMET_TOKEN, "Bearer " + COMET_TOKEN);
    assertThat(logged.list)
        .map(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            line ->
                line.startsWith(
                    "Admin console: 127.0.0.1 drains Comet east-1 (grace 45 s): 7 connections"));

    assertThat(error(post("comets/nobody/drain", "{}"), 404))
        .isEqualTo("comet: 'nobody' is not registered (registered: east-1, east-2, south-1)");
    assertThat(error(post("comets/south-1/drain", "{}"), 502)).startsWith("UNAVAILABLE");
    assertThat(
            meters
                .counter(
                    "herald.logic.admin.requests", "endpoint", "drain", "result", "unavailable")
                .count())
        .isEqualTo(1);
  }

  @Test
  void withoutAdminTokensTheConsoleIsOffAndSaysSo(RedisServer redis, KafkaBroker kafka)
      throws Exception {
    int logged = this.logged.list.size();
    int httpPort = FreePorts.next();
    LogicServer off =
        new LogicServer(
            RoleConfigs.logic(
                    new Backends(
                        redis.uri(), redis.keyPrefix() + "off", "", "", "", Backends.Registry.FAST),
                    httpPort,
                    FreePorts.next())
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    try {
      off.start();
      for (String path : List.of("/herald/admin/", "/herald/admin/api/comets")) {
        HttpResponse<String> answer =
            send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .GET());
        assertThat(answer.statusCode()).as(path).isEqualTo(404);
      }
    } finally {
      off.stop();
    }
    assertThat(this.logged.list.subList(logged, this.logged.list.size()))
        .map(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Admin console off: no admin.tokens configured (/herald/admin/ answers 404; see"
                + " docs/console.md)");
  }

  private void assertRefused(HttpResponse<String> answer, String reason) throws IOException {
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.headers().firstValue("www-authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo(reason);
  }

  private static String error(HttpResponse<String> answer, int status) throws IOException {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return JSON.readTree(answer.body()).get("error").asText();
  }

  private static JsonNode json(HttpResponse<String> answer, int status) throws IOException {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return JSON.readTree(answer.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + logic.httpPort() + path);
  }

  private HttpRequest.Builder request(String apiPath) {
    return HttpRequest.newBuilder(uri(AdminConsole.API + apiPath)).timeout(WAIT);
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  private HttpResponse<String> get(String apiPath, String token) throws Exception {
    return send(request(apiPath).header("Authorization", "Bearer " + token).GET());
  }

  private HttpResponse<String> post(String apiPath, String json) throws Exception {
    return send(
        request(apiPath)
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(body(json)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
