package io.herald.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.herald.config.ConfigLoader;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.KickReason;
import io.herald.proto.comet.v1.KickRequest;
import io.herald.proto.comet.v1.KickResponse;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.RejectReason;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.wire.Op;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logic as one server on real sockets, with sessions in a real Redis and pushes into a real Kafka
 * topic: Comets connect, heartbeat and disconnect over gRPC; a backend pushes over goim's HTTP API;
 * the records are read back from the topic.
 */
@RealRedis
@RealKafka
class LogicServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "push-secret-0123456789";

  private final List<KickRequest> kicks = new CopyOnWriteArrayList<>();
  private final AtomicLong connections = new AtomicLong();
  private final Map<String, Long> connIds = new ConcurrentHashMap<>();
  private Server comet;
  private LogicServer logic;
  private ManagedChannel channel;
  private LogicGrpc.LogicBlockingStub comets;
  private WebClient http;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;
  private String prefix;
  private String topic;
  private KafkaBroker kafka;
  private int cometPort;

  @BeforeEach
  void start(RedisServer redisServer, KafkaBroker kafka, @TempDir Path dir) throws Exception {
    this.kafka = kafka;
    prefix = redisServer.keyPrefix() + "logic";
    topic = kafka.newTopic(3);
    cometPort = FreePorts.next();
    comet =
        Grpc.newServerBuilderForPort(cometPort, InsecureServerCredentials.create())
            .addService(new RecordingComet())
            .build()
            .start();
    int httpPort = FreePorts.next();
    int grpcPort = FreePorts.next();
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: trust, allowTrust: true}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redisServer.uri() + "', keyPrefix: '" + prefix + "'}",
            "  sessionTtl: 60s",
            "  onlineRefresh: 200ms",
            "push:",
            "  kafka: {bootstrapServers: '" + kafka.bootstrapServers() + "', topic: " + topic + "}",
            "  api: {requireToken: true, tokens: [" + TOKEN + "]}",
            "registry:",
            "  backend: memory",
            "  staticNodes:",
            "    - {serverId: comet-a, region: cn-east, tcp: 'a.example:3101',"
                + " ws: 'a.example:4102', grpc: '127.0.0.1:"
                + cometPort
                + "', capacity: 1000}",
            "    - {serverId: comet-b, region: jp, tcp: 'b.example:3101',"
                + " grpc: '127.0.0.1:1', capacity: 1000}",
            "singleLoginPlatforms: [android]",
            ""));
    LogicConfig config =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(file, Map.of())
            .config();
    logic =
        new LogicServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    logic.start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    comets = LogicGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    http = WebClient.of("http://127.0.0.1:" + httpPort);
    redisClient = RedisClient.create(redisServer.uri());
    redis = redisClient.connect();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    logic.stop();
    comet.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    redis.close();
    redisClient.shutdown();
  }

  @Test
  void connectRecordsTheSessionWithTtlsHeartbeatRenewsAndDisconnectRemoves() {
    ConnectResponse connected = connect("comet-a", 101, "", "web");
    assertThat(connected.hasRejection()).isFalse();
    assertThat(connected.getMid()).isEqualTo(101);
    assertThat(connected.getKey()).isNotEmpty();
    assertThat(connected.getRoomsList()).containsExactly("live://1000");
    assertThat(connected.getAcceptsList()).containsExactly(1000, 1001);
    assertThat(connected.getHeartbeat().getIntervalMs()).isEqualTo(240_000);
    String key = prefix + ":key:" + connected.getKey();
    assertThat(redis.sync().ttl(key)).isBetween(1L, 60L);
    assertThat(redis.sync().ttl(prefix + ":mid:101")).isBetween(1L, 60L);

    redis.sync().expire(key, 5);
    assertThat(heartbeat("comet-a", connected).getRecreated()).isFalse();
    assertThat(redis.sync().ttl(key)).isGreaterThan(5L);

    redis.sync().del(key);
    assertThat(heartbeat("comet-a", connected).getRecreated()).isTrue();
    assertThat(redis.sync().exists(key)).isOne();

    assertThat(
            comets
                .disconnect(
                    DisconnectRequest.newBuilder()
                        .setMid(101)
                        .setKey(connected.getKey())
                        .setServerId("comet-a")
                        .setServerEpoch(1)
                        .setConnId(connIds.get(connected.getKey()))
                        .build())
                .getRemoved())
        .isTrue();
    assertThat(redis.sync().exists(key)).isZero();
  }

  @Test
  void aMalformedAuthIsRejectedWithAReason() {
    ConnectResponse reply =
        comets.connect(
            ConnectRequest.newBuilder()
                .setServerId("comet-a")
                .setServerEpoch(1)
                .setConnId(1)
                .setToken(ByteString.copyFromUtf8("{\"mid\":\"x\""))
                .build());
    assertThat(reply.hasRejection()).isTrue();
    assertThat(reply.getRejection().getReason())
        .isEqualTo(RejectReason.REJECT_REASON_MALFORMED_AUTH);
    assertThat(reply.getRejection().getMessage()).isNotEmpty();
  }

  @Test
  void pushByMidReachesBothDevicesOnTheirTwoServers() throws Exception {
    String phone = connect("comet-a", 202, "phone-202", "ios").getKey();
    String laptop = connect("comet-b", 202, "laptop-202", "web").getKey();
    connect("comet-b", 303, "someone-else", "web");

    AggregatedHttpResponse reply = post("/goim/push/mids?operation=1000&mids=202", "hello");
    assertThat(json(reply).get("code").asInt()).as(reply.contentUtf8()).isZero();

    List<PushMsg> records = consume(2);
    assertThat(records).extracting(PushMsg::getType).containsOnly(PushType.PUSH_TYPE_MIDS);
    assertThat(records)
        .extracting(PushMsg::getServerId)
        .containsExactlyInAnyOrder("comet-a", "comet-b");
    assertThat(records.stream().flatMap(r -> r.getKeysList().stream()))
        .containsExactlyInAnyOrder(phone, laptop);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.getOp()).isEqualTo(1000);
              assertThat(r.getBody().toStringUtf8()).isEqualTo("hello");
              assertThat(r.getMidsList()).containsExactly(202L);
              assertThat(r.getMessageId()).isPositive();
            });
  }

  @Test
  void roomAndBroadcastPushesBecomeRecords() throws Exception {
    connect("comet-a", 303, "", "web"); // a member of live://1000 on comet-a
    // Both Comets report (comet-b holds no member of the room): Logic vouches for their index
    // entries, so the room goes to the Comets the index names; a registered Comet without a fresh
    // report would get it too (UnvouchedComets).
    comets.renewOnline(online("comet-a", Map.of("live://1000", 1), 1));
    comets.renewOnline(online("comet-b", Map.of(), 0));
    assertThat(
            json(post("/goim/push/room?operation=1001&type=live&room=1000", "r"))
                .get("code")
                .asInt())
        .isZero();
    assertThat(json(post("/goim/push/all?operation=1002&speed=500", "a")).get("code").asInt())
        .isZero();

    List<PushMsg> records = consume(2);
    PushMsg room =
        records.stream()
            .filter(r -> r.getType() == PushType.PUSH_TYPE_ROOM)
            .findFirst()
            .orElseThrow();
    assertThat(room.getRoom()).isEqualTo("live://1000");
    assertThat(room.getOp()).isEqualTo(1001);
    assertThat(room.getRoomServersKnown()).isTrue();
    assertThat(room.getRoomServersList()).containsExactly("comet-a");
    PushMsg all =
        records.stream()
            .filter(r -> r.getType() == PushType.PUSH_TYPE_BROADCAST)
            .findFirst()
            .orElseThrow();
    assertThat(all.getSpeed()).isEqualTo(500);
    assertThat(all.getBody().toStringUtf8()).isEqualTo("a");
  }

  @Test
  void aSecondLoginOnASingleLoginPlatformKicksTheOlderConnectionThroughItsComet() {
    String first = connect("comet-a", 404, "", "android").getKey();
    connect("comet-a", 404, "", "web");

    String second = connect("comet-a", 404, "", "android").getKey();

    assertThat(second).isNotEqualTo(first);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(kicks)
                    .singleElement()
                    .satisfies(
                        kick -> {
                          assertThat(kick.getKeysList()).containsExactly(first);
                          assertThat(kick.getConnIdsList()).containsExactly(connIds.get(first));
                          assertThat(kick.getReason())
                              .isEqualTo(KickReason.KICK_REASON_DUPLICATE_LOGIN);
                        }));
  }

  @Test
  void aKeyOfAnotherUserIsNotTakenOver() {
    String owned = connect("comet-a", 505, "shared-key", "web").getKey();
    String other = connect("comet-a", 606, "shared-key", "web").getKey();
    assertThat(owned).isEqualTo("shared-key");
    assertThat(other).isNotEqualTo("shared-key");
  }

  @Test
  void onlineCountsAreSummedAcrossComets() throws Exception {
    comets.renewOnline(online("comet-a", Map.of("live://1000", 3, "live://2000", 1), 4));
    var reply = comets.renewOnline(online("comet-b", Map.of("live://1000", 2), 2));
    assertThat(reply.getRoomCountsMap()).containsEntry("live://1000", 5);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode top = json(get("/goim/online/top?type=live&limit=5")).get("data");
              assertThat(top.get(0).get("room_id").asText()).isEqualTo("1000");
              assertThat(top.get(0).get("count").asLong()).isEqualTo(5);
            });
    assertThat(
            json(get("/goim/online/room?type=live&rooms=1000,2000"))
                .get("data")
                .get("2000")
                .asLong())
        .isEqualTo(1);
    JsonNode total = json(get("/goim/online/total")).get("data");
    assertThat(total.get("conn_count").asLong()).isEqualTo(6);
  }

  @Test
  void upstreamMessagesAreAnsweredWithTheSendReplyOp() {
    var reply =
        comets.receive(
            ReceiveRequest.newBuilder()
                .setMid(1)
                .setKey("k")
                .setServerId("comet-a")
                .setOp(Op.SEND_MSG)
                .setSeq(9)
                .setBody(ByteString.copyFromUtf8("up"))
                .build());
    assertThat(reply.getReplyOp()).isEqualTo(Op.SEND_MSG_REPLY);
  }

  @Test
  void goimNodeRoutesListTheRegisteredComets() throws Exception {
    JsonNode weighted = json(get("/goim/nodes/weighted?platform=android")).get("data");
    assertThat(weighted.get("heartbeat").asInt()).isEqualTo(240);
    assertThat(weighted.get("heartbeat_max").asInt()).isEqualTo(2);
    assertThat(weighted.get("backoff").get("base_delay").asInt()).isEqualTo(3);
    List<String> hosts = new ArrayList<>();
    weighted.get("nodes").forEach(node -> hosts.add(node.asText()));
    assertThat(hosts).containsExactlyInAnyOrder("a.example", "b.example");

    JsonNode web = json(get("/goim/nodes/weighted?platform=web")).get("data");
    assertThat(web.get("nodes").get(0).asText()).isEqualTo("a.example");
    assertThat(web.get("nodes")).hasSize(1);
    assertThat(http.get("/health").aggregate().join().status().code()).isEqualTo(200);
  }

  @Test
  void goimNodePortsAreThoseTheCometsServeAndZeroForATransportNoneServes() throws Exception {
    for (String platform : List.of("android", "web")) {
      JsonNode weighted = json(get("/goim/nodes/weighted?platform=" + platform)).get("data");
      assertThat(weighted.get("tcp_port").asInt()).as(platform).isEqualTo(3101);
      // comet-a registered its WebSocket on 4102, not the configured default 3102.
      assertThat(weighted.get("ws_port").asInt()).as(platform).isEqualTo(4102);
      // No Comet serves WebSocket over TLS: not advertised on the configured 3103.
      assertThat(weighted.get("wss_port").asInt()).as(platform).isZero();
    }
  }

  @Test
  void goimNodeInstancesAnswerInGoimsDiscoveryShape() throws Exception {
    comets.renewOnline(online("comet-a", Map.of("live://1000", 3), 4));

    JsonNode instances = json(get("/goim/nodes/instances")).get("data");
    assertThat(instances).hasSize(2);
    JsonNode a = instances.get(0);
    List<String> fields = new ArrayList<>();
    a.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "region",
            "zone",
            "env",
            "appid",
            "hostname",
            "addrs",
            "version",
            "latest_timestamp",
            "metadata");
    assertThat(a.get("region").asText()).isEqualTo("cn-east");
    assertThat(a.get("zone").asText()).isEmpty();
    assertThat(a.get("env").asText()).isEmpty();
    assertThat(a.get("appid").asText()).isEqualTo("goim.comet");
    assertThat(a.get("hostname").asText()).isEqualTo("comet-a");
    assertThat(a.get("addrs").toString()).isEqualTo("[\"grpc://127.0.0.1:" + cometPort + "\"]");
    assertThat(a.get("version").asText()).isEmpty();
    assertThat(a.get("latest_timestamp").isIntegralNumber()).isTrue();
    JsonNode metadata = a.get("metadata");
    metadata
        .properties()
        .forEach(
            field ->
                assertThat(field.getValue().isTextual())
                    .as("metadata.%s is a string, as discovery's are", field.getKey())
                    .isTrue());
    assertThat(metadata.get("weight").asText()).isEqualTo("10");
    assertThat(metadata.get("offline").asText()).isEqualTo("false");
    assertThat(metadata.get("addrs").asText()).isEqualTo("a.example");
    assertThat(metadata.get("conn_count").asText()).isEqualTo("0");
    assertThat(metadata.get("ip_count").asText()).isEqualTo("4");
    assertThat(instances.get(1).get("hostname").asText()).isEqualTo("comet-b");
    assertThat(instances.get(1).get("metadata").get("ip_count").asText()).isEqualTo("0");
  }

  @Test
  void unknownGoimPathsAndWrongMethodsAnswerInGoimsJson() throws Exception {
    AggregatedHttpResponse unknown = get("/goim/nodes/weight");
    assertThat(unknown.status().code()).isEqualTo(404);
    assertThat(json(unknown).get("code").asInt()).isEqualTo(-400);
    assertThat(json(unknown).get("message").asText())
        .startsWith("path: /goim/nodes/weight (expected: one of ")
        .contains("/goim/nodes/weighted", "/goim/nodes/instances", "/goim/push/mids");

    AggregatedHttpResponse wrong = post("/goim/nodes/instances", "");
    assertThat(wrong.status().code()).isEqualTo(405);
    assertThat(json(wrong).get("code").asInt()).isEqualTo(-400);
    assertThat(json(wrong).get("message").asText())
        .isEqualTo("method: POST (expected: GET for /goim/nodes/instances)");

    // Outside /goim/, Armeria's own pages are left alone.
    assertThat(get("/nothing-here").status().code()).isEqualTo(404);
  }

  private ConnectResponse connect(String server, long mid, String key, String platform) {
    String auth =
        "{\"mid\":"
            + mid
            + ",\"key\":\""
            + key
            + "\",\"room_id\":\"live://1000\",\"platform\":\""
            + platform
            + "\",\"accepts\":[1000,1001]}";
    long connId = connections.incrementAndGet();
    ConnectResponse reply =
        comets.connect(
            ConnectRequest.newBuilder()
                .setServerId(server)
                .setServerEpoch(1)
                .setConnId(connId)
                .setClientIp("127.0.0.1")
                .setToken(ByteString.copyFromUtf8(auth))
                .build());
    connIds.put(reply.getKey(), connId);
    return reply;
  }

  private io.herald.proto.logic.v1.HeartbeatResponse heartbeat(String server, ConnectResponse c) {
    return comets.heartbeat(
        HeartbeatRequest.newBuilder()
            .setMid(c.getMid())
            .setKey(c.getKey())
            .setServerId(server)
            .setServerEpoch(1)
            .setConnId(connIds.get(c.getKey()))
            .setPlatform(c.getPlatform())
            .build());
  }

  private static RenewOnlineRequest online(String server, Map<String, Integer> rooms, long conns) {
    return RenewOnlineRequest.newBuilder()
        .setServerId(server)
        .setServerEpoch(1)
        .putAllRoomCounts(rooms)
        .setConnections(conns)
        .setClientIps(conns)
        .build();
  }

  private AggregatedHttpResponse post(String path, String body) {
    return http.execute(
            HttpRequest.of(
                RequestHeaders.builder(HttpMethod.POST, path)
                    .add("authorization", "Bearer " + TOKEN)
                    .contentType(MediaType.OCTET_STREAM)
                    .build(),
                com.linecorp.armeria.common.HttpData.ofUtf8(body)))
        .aggregate()
        .join();
  }

  private AggregatedHttpResponse get(String path) {
    return http.execute(
            RequestHeaders.builder(HttpMethod.GET, path)
                .add("authorization", "Bearer " + TOKEN)
                .build())
        .aggregate()
        .join();
  }

  private static JsonNode json(AggregatedHttpResponse response) throws Exception {
    return JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
  }

  private List<PushMsg> consume(int count) throws Exception {
    List<PushMsg> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kafka.newGroupId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .until(
              () -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                  records.add(PushMsg.parseFrom(record.value()));
                }
                return records.size() >= count;
              });
    }
    assertThat(records).hasSize(count);
    return records;
  }

  /** A Comet's gRPC endpoint that records the kicks Logic sends it. */
  private final class RecordingComet extends CometGrpc.CometImplBase {
    @Override
    public void kick(KickRequest request, StreamObserver<KickResponse> response) {
      kicks.add(request);
      response.onNext(KickResponse.newBuilder().addAllKickedKeys(request.getKeysList()).build());
      response.onCompleted();
    }
  }
}
