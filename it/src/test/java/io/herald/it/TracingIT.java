package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.herald.it.support.OtlpReceiver;
import io.herald.it.support.OtlpReceiver.ReceivedSpan;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushRoomRequest;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One push followed across processes: Logic, Job and a Comet each in a JVM of its own, started by
 * the launcher with tracing on ({@code OTEL_TRACES_EXPORTER=otlp}) and exporting to a real
 * OTLP/HTTP receiver in this test, on real Redis and Kafka. A push by HTTP with a {@code
 * traceparent} and one by gRPC with it in the metadata reach a connected client, and their trace
 * holds each role's span with the parent chain unbroken, from the caller's span to the Comet's
 * write; a push without one starts a trace of its own. One cluster for every case.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long MID = 4242;
  private static final String ROOM = "traced";
  private static final HexFormat HEX = HexFormat.of();

  private final HttpClient http = HttpClient.newHttpClient();
  private OtlpReceiver receiver;
  private HeraldCluster cluster;
  private HeraldCluster.Logic logic;
  private String topic;
  private WireClient client;
  private ManagedChannel channel;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    receiver = OtlpReceiver.start();
    RoleOptions traced =
        RoleOptions.DEFAULTS.withEnv(
            Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_BSP_SCHEDULE_DELAY", "50"));
    topic = kafka.newTopic(1);
    cluster =
        new HeraldCluster(
            Backends.of(redis.uri(), kafka.bootstrapServers(), topic, kafka.newGroupId())
                .withKeyPrefix(redis.keyPrefix() + "trace"));
    logic = cluster.logic(traced);
    // Job starts while the Comet does: one role's start-up less on the clock.
    HeraldCluster.Role job = cluster.startJob(FreePorts.next(), traced);
    HeraldCluster.Comet comet = cluster.comet("trace-comet", logic, traced);
    job.process().awaitOk(job.url("/health"), HeraldCluster.START);
    client = comet.tcp(ProtocolVersion.V2).auth(MID, "", "live://" + ROOM);
    channel =
        Grpc.newChannelBuilder(logic.grpcAddress(), InsecureChannelCredentials.create()).build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void anHttpPushKeepsItsCallersTraceFromLogicToTheCometsWrite() throws Exception {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    JsonNode reply =
        post(
            "/goim/push/mids?operation=1000&mids=" + MID,
            "traced by http",
            "00-" + traceId + "-" + callerSpan + "-01");
    assertThat(reply.get("code").asInt()).as(reply.toString()).isZero();
    awaitText("traced by http");

    List<ReceivedSpan> chain =
        awaitChain(
            traceId,
            callerSpan,
            List.of(
                hop("herald-logic", "POST /goim/push/mids", "SERVER"),
                hop("herald-logic", "send " + topic, "PRODUCER"),
                hop("herald-job", "process " + topic, "CONSUMER"),
                hop("herald-job", CometGrpc.getPushMsgMethod().getFullMethodName(), "CLIENT"),
                hop("herald-comet", CometGrpc.getPushMsgMethod().getFullMethodName(), "SERVER")));
    String messageId = reply.get("data").get("message_id").asText();
    assertThat(chain.get(0).attributes()).containsEntry("herald.push.message_id", messageId);
    assertThat(chain.get(2).attributes()).containsEntry("herald.push.message_id", messageId);
    assertThat(chain.get(4).attributes())
        .containsEntry("herald.server_id", "trace-comet")
        .containsEntry("herald.push.absent_keys", "0");
    chain.forEach(
        span ->
            assertThat(span.attributes().values())
                .as("no body or user id in %s", span)
                .doesNotContain("traced by http", Long.toString(MID)));
  }

  @Test
  void aGrpcPushKeepsItsCallersTraceThroughJobsRoomBatch() {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    Metadata metadata = new Metadata();
    metadata.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + traceId + "-" + callerSpan + "-01");
    var unused =
        PushGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .pushRoom(
                PushRoomRequest.newBuilder()
                    .setOp(1000)
                    .setType("live")
                    .setRoom(ROOM)
                    .setBody(ByteString.copyFromUtf8("traced by grpc"))
                    .build());
    awaitText("traced by grpc");

    List<ReceivedSpan> chain =
        awaitChain(
            traceId,
            callerSpan,
            List.of(
                hop("herald-logic", PushGrpc.getPushRoomMethod().getFullMethodName(), "SERVER"),
                hop("herald-logic", "send " + topic, "PRODUCER"),
                hop("herald-job", "process " + topic, "CONSUMER"),
                // A batch of one push stays in its trace (several would be linked instead).
                hop("herald-job", CometGrpc.getBroadcastRoomMethod().getFullMethodName(), "CLIENT"),
                hop(
                    "herald-comet",
                    CometGrpc.getBroadcastRoomMethod().getFullMethodName(),
                    "SERVER")));
    assertThat(chain.get(4).attributes())
        .containsEntry("herald.room", "live://" + ROOM)
        .containsEntry("herald.push.recipients", "1");
  }

  @Test
  void aPushWithoutTraceContextStartsATraceOfItsOwn() throws Exception {
    JsonNode reply = post("/goim/push/mids?operation=1000&mids=" + MID, "not traced", null);
    assertThat(reply.get("code").asInt()).as(reply.toString()).isZero();
    awaitText("not traced");
    String messageId = reply.get("data").get("message_id").asText();

    ReceivedSpan root =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    receiver.spans().stream()
                        .filter(
                            span ->
                                span.name().equals("POST /goim/push/mids")
                                    && messageId.equals(
                                        span.attributes().get("herald.push.message_id")))
                        .findFirst()
                        .orElse(null),
                span -> span != null);
    assertThat(root.parentSpanId()).as("a root span: %s", root).isEmpty();
    awaitChain(
        root.traceId(),
        root.spanId(),
        List.of(
            hop("herald-logic", "send " + topic, "PRODUCER"),
            hop("herald-job", "process " + topic, "CONSUMER"),
            hop("herald-job", CometGrpc.getPushMsgMethod().getFullMethodName(), "CLIENT"),
            hop("herald-comet", CometGrpc.getPushMsgMethod().getFullMethodName(), "SERVER")));
  }

  /** One span of a chain: which role's, its name and kind. */
  private record Hop(String service, String name, String kind) {}

  private static Hop hop(String service, String name, String kind) {
    return new Hop(service, name, kind);
  }

  /**
   * Waits until trace {@code traceId} holds {@code hops} in order, the first a child of {@code
   * parent} and each next one a child of the one before; returns those spans.
   */
  private List<ReceivedSpan> awaitChain(String traceId, String parent, List<Hop> hops) {
    List<ReceivedSpan> chain = new ArrayList<>();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              chain.clear();
              List<ReceivedSpan> trace = receiver.trace(traceId);
              String parentId = parent;
              for (Hop hop : hops) {
                String expectedParent = parentId;
                List<ReceivedSpan> matching =
                    trace.stream()
                        .filter(
                            span ->
                                span.service().equals(hop.service())
                                    && span.name().equals(hop.name())
                                    && span.kind().equals(hop.kind())
                                    && span.parentSpanId().equals(expectedParent))
                        .toList();
                assertThat(matching)
                    .as("%s under %s in trace %s: %s", hop, expectedParent, traceId, trace)
                    .hasSize(1);
                chain.add(matching.get(0));
                parentId = matching.get(0).spanId();
              }
            });
    return chain;
  }

  private void awaitText(String text) {
    await().atMost(WAIT).until(() -> client.texts().contains(text));
  }

  private JsonNode post(String path, String body, String traceparent) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(logic.url(path)))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    return new ObjectMapper()
        .readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(id);
    id[0] |= 1; // never all zero (an invalid id)
    return HEX.formatHex(id);
  }
}
