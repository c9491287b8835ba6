package io.herald.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.config.ConfigLoader;
import io.herald.logic.support.TopicReader;
import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.DeviceCursor;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored pushes through a whole Logic on real sockets, with sessions and inboxes in a real Redis
 * and records in a real Kafka topic: a backend stores over HTTP, the record carries the inbox
 * position, a Comet syncs and acks over gRPC, a backend reads the inbox and the cursors.
 */
@RealRedis
@RealKafka
class LogicInboxIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "push-secret-0123456789";

  private LogicServer logic;
  private ManagedChannel channel;
  private LogicGrpc.LogicBlockingStub comets;
  private WebClient http;
  private RedisClient redisClient;
  private RedisCommands<String, String> redis;
  private TopicReader topic;
  private String prefix;

  @BeforeEach
  void start(RedisServer redisServer, KafkaBroker kafka, @TempDir Path dir) throws Exception {
    prefix = redisServer.keyPrefix() + "inbox";
    String name = kafka.newTopic(1);
    topic = new TopicReader(kafka, name);
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
            "inbox: {maxCount: 3, syncLimit: 2}",
            "push:",
            "  kafka: {bootstrapServers: '" + kafka.bootstrapServers() + "', topic: " + name + "}",
            "  api: {requireToken: true, tokens: [" + TOKEN + "]}",
            "registry: {backend: memory}",
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
    redis = redisClient.connect().sync();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    logic.stop();
    topic.close();
    redisClient.shutdown();
  }

  @Test
  void aStoredPushIsInTheInboxAndItsRecordCarriesThePosition() throws Exception {
    connect("comet-a", 505, "phone-505");

    JsonNode reply =
        json(post("/goim/push/mids?operation=1000&mids=505,606&store=true&ack=1&notify=1", "hi"));

    assertThat(reply.get("code").asInt()).as(reply.toString()).isZero();
    JsonNode stored = reply.get("data").get("stored");
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0).get("mid").asText()).isEqualTo("505");
    assertThat(stored.get(0).get("seq").asLong()).isOne();
    long epoch = stored.get(0).get("epoch").asLong();
    assertThat(epoch).isPositive();
    assertThat(reply.get("data").get("offline").get(0).asText()).isEqualTo("606");
    PushMsg record = topic.takeOne().msg();
    assertThat(record.getMidsList()).containsExactly(505L);
    assertThat(record.getKeysList()).containsExactly("phone-505");
    assertThat(record.getInboxEpoch()).isEqualTo(epoch);
    assertThat(record.getInboxSeq()).isOne();
    assertThat(record.getNotify()).isTrue();
    assertThat(record.getRequireAck()).isTrue();

    JsonNode offline = json(get("/herald/inbox?mid=606"));
    assertThat(offline.get("code").asInt()).as(offline.toString()).isZero();
    JsonNode message = offline.get("data").get("messages").get(0);
    assertThat(message.get("message_id").asText())
        .isEqualTo(reply.get("data").get("message_id").asText());
    assertThat(message.get("body").asText()).isEqualTo("hi");
    assertThat(message.get("body_base64").asText()).isEqualTo("aGk=");
    assertThat(message.get("op").asInt()).isEqualTo(1000);
  }

  @Test
  void aCometSyncsAcksAndSyncsFromTheCursor() throws Exception {
    connect("comet-a", 707, "phone-707");
    for (int i = 1; i <= 3; i++) {
      assertThat(
              json(post("/goim/push/mids?operation=1000&mids=707&store=1", "m" + i))
                  .get("code")
                  .asInt())
          .isZero();
    }

    SyncResponse first = sync(SyncRequest.newBuilder().setMid(707).setKey("phone-707"));
    assertThat(first.getMessagesList())
        .extracting(m -> m.getBody().toStringUtf8())
        .containsExactly("m1", "m2");
    assertThat(first.getMore()).as("syncLimit is 2").isTrue();
    assertThat(first.getReset()).isFalse();
    long epoch = first.getEpoch();

    int moved =
        comets
            .ack(
                AckRequest.newBuilder()
                    .setServerId("comet-a")
                    .addCursors(cursor(707, "phone-707", epoch, 2))
                    .addCursors(cursor(707, "phone-707", epoch - 1, 3))
                    .build())
            .getMoved();
    assertThat(moved).isOne();

    SyncResponse rest =
        sync(SyncRequest.newBuilder().setMid(707).setKey("phone-707").setFromCursor(true));
    assertThat(rest.getMessagesList())
        .extracting(m -> m.getBody().toStringUtf8())
        .containsExactly("m3");
    assertThat(rest.getMore()).isFalse();

    JsonNode read = json(get("/herald/inbox?mid=707&after=1&limit=5")).get("data");
    assertThat(read.get("epoch").asLong()).isEqualTo(epoch);
    assertThat(read.get("oldest_seq").asLong()).isOne();
    assertThat(read.get("latest_seq").asLong()).isEqualTo(3);
    assertThat(read.get("messages")).hasSize(2);
    assertThat(read.get("cursors").get("phone-707").asLong()).isEqualTo(2);

    SyncResponse stale =
        sync(SyncRequest.newBuilder().setMid(707).setKey("phone-707").setEpoch(epoch + 1));
    assertThat(stale.getReset()).isTrue();
    assertThat(stale.getMessagesCount()).isZero();
    assertThat(stale.getEpoch()).isEqualTo(epoch);
  }

  @Test
  void aLostInboxAnswersTheOldEpochWithAResetInANewOne() throws Exception {
    assertThat(
            json(post("/goim/push/mids?operation=1000&mids=808&store=true", "x"))
                .get("code")
                .asInt())
        .isZero();
    long epoch = sync(SyncRequest.newBuilder().setMid(808).setKey("k")).getEpoch();

    redis.del(prefix + ":inbox:{808}", prefix + ":inbox:{808}:log", prefix + ":inbox:{808}:cur");
    SyncResponse after =
        sync(SyncRequest.newBuilder().setMid(808).setKey("k").setEpoch(epoch).setAfterSeq(1));

    assertThat(after.getReset()).isTrue();
    assertThat(after.getEpoch()).isNotEqualTo(epoch);
    assertThat(after.getLatestSeq()).isZero();
  }

  @Test
  void badAcksAndSyncsAreInvalidArguments() {
    AckRequest.Builder tooMany = AckRequest.newBuilder().setServerId("comet-a");
    for (int i = 0; i < 1001; i++) {
      tooMany.addCursors(cursor(1, "k" + i, 1, 1));
    }
    assertInvalid(() -> comets.ack(tooMany.build()), "cursors: 1001 (expected: at most 1000)");
    assertInvalid(
        () -> comets.ack(AckRequest.newBuilder().addCursors(cursor(1, "k", 1, 1)).build()),
        "server_id: empty (expected: a value)");
    assertInvalid(
        () ->
            comets.ack(
                AckRequest.newBuilder()
                    .setServerId("comet-a")
                    .addCursors(cursor(1, "", 1, 1))
                    .build()),
        "cursors[0].key: empty (expected: a value)");
    assertInvalid(
        () -> comets.sync(SyncRequest.newBuilder().setServerId("comet-a").setMid(1).build()),
        "key: empty (expected: a value)");
    assertInvalid(
        () -> sync(SyncRequest.newBuilder().setMid(1).setKey("k").setLimit(-1)),
        "limit: -1 (expected: 0 for the default, or a positive number)");
  }

  @Test
  void badHttpParametersAreRefusedNamingThem() throws Exception {
    assertRefused(
        post("/goim/push/mids?operation=1000&mids=1&store=yes", "x"),
        "store: 'yes' (expected: true, false, 1 or 0)");
    assertRefused(
        post("/goim/push/keys?operation=1000&keys=k&ack=", "x"),
        "ack: '' (expected: true, false, 1 or 0)");
    assertRefused(
        post("/goim/push/mids?operation=1000&mids=1&notify=true", "x"),
        "notify: true needs store: true");
    assertRefused(get("/herald/inbox"), "mid: missing (expected: a 64-bit integer)");
    assertRefused(get("/herald/inbox?mid=x"), "mid: 'x' (expected: a 64-bit integer)");
    assertRefused(get("/herald/inbox?mid=1&after=-1"), "after: -1 (expected: >= 0, a seq)");
    assertRefused(
        get("/herald/inbox?mid=1&limit=1001"), "limit: 1001 (expected: 1 to 1000, or 0 for 100)");
    AggregatedHttpResponse anonymous = http.get("/herald/inbox?mid=1").aggregate().join();
    assertThat(anonymous.status().code()).isEqualTo(401);
  }

  private SyncResponse sync(SyncRequest.Builder request) {
    return comets.sync(request.setServerId("comet-a").build());
  }

  private static DeviceCursor cursor(long mid, String key, long epoch, long seq) {
    return DeviceCursor.newBuilder().setMid(mid).setKey(key).setEpoch(epoch).setSeq(seq).build();
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo(message);
            });
  }

  private static void assertRefused(AggregatedHttpResponse response, String message)
      throws Exception {
    JsonNode reply = json(response);
    assertThat(reply.get("code").asInt()).as(reply.toString()).isEqualTo(-400);
    assertThat(reply.get("message").asText()).isEqualTo(message);
  }

  private void connect(String server, long mid, String key) {
    String auth =
        "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"platform\":\"web\",\"accepts\":[1000]}";
    comets.connect(
        ConnectRequest.newBuilder()
            .setServerId(server)
            .setServerEpoch(1)
            .setConnId(mid)
            .setClientIp("127.0.0.1")
            .setToken(ByteString.copyFromUtf8(auth))
            .build());
  }

  private AggregatedHttpResponse post(String path, String body) {
    return http.execute(
            HttpRequest.of(
                RequestHeaders.builder(HttpMethod.POST, path)
                    .add("authorization", "Bearer " + TOKEN)
                    .contentType(MediaType.OCTET_STREAM)
                    .build(),
                HttpData.ofUtf8(body)))
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
    return JSON.readTree(response.contentUtf8());
  }
}
