package io.herald.idgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.idgen.Mode;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.segment.SegmentConfig;
import io.herald.idgen.time.TimeLayoutConfig;
import io.herald.proto.idgen.v1.ExplainRequest;
import io.herald.proto.idgen.v1.ExplainResponse;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.IdLayout;
import io.herald.proto.idgen.v1.IdRange;
import io.herald.proto.idgen.v1.NextIdRequest;
import io.herald.proto.idgen.v1.NextIdsRequest;
import io.herald.proto.idgen.v1.NextIdsResponse;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IdGen over real sockets: segments in a real PostgreSQL, worker leases in a real Redis; gRPC and
 * HTTP answers and errors, health and metrics, and a worker lease taken away while serving.
 */
@RealPostgres
@RealRedis
class IdGenServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PostgresServer postgres;
  private RedisServer redis;
  private IdGenServer server;
  private IdGenServer other;
  private ManagedChannel channel;
  private IdGenGrpc.IdGenBlockingStub grpc;
  private WebClient http;

  @BeforeEach
  void start(PostgresServer postgres, RedisServer redis) {
    this.postgres = postgres;
    this.redis = redis;
    server = start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    grpc = IdGenGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    http = WebClient.of("http://127.0.0.1:" + server.port());
  }

  private IdGenServer start() {
    IdGenConfig config =
        new IdGenConfig(
            new IdGenConfig.Server("127.0.0.1", 0),
            new DatabaseConfig(
                postgres.jdbcUrl(), postgres.user(), postgres.password(), 2, Duration.ofSeconds(5)),
            new LeaseConfig(
                LeaseConfig.REDIS,
                new RedisEndpoint(redis.uri(), redis.keyPrefix(), Duration.ofSeconds(2)),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5)),
            TimeLayoutConfig.snowflakeDefaults(),
            TimeLayoutConfig.sonyflakeDefaults(),
            SegmentConfig.defaults(),
            List.of(
                TagConfig.of("message", Mode.SNOWFLAKE),
                TagConfig.of("device", Mode.SONYFLAKE),
                TagConfig.segment("order", 100)));
    IdGenServer started =
        new IdGenServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    started.start();
    return started;
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    if (other != null) {
      other.stop();
    }
  }

  private long nextId(String tag) {
    return grpc.nextId(NextIdRequest.newBuilder().setTag(tag).build()).getId();
  }

  private NextIdsResponse nextIds(String tag, int count) {
    return grpc.nextIds(NextIdsRequest.newBuilder().setTag(tag).setCount(count).build());
  }

  private ExplainResponse explain(String tag, long id) {
    return grpc.explain(ExplainRequest.newBuilder().setTag(tag).setId(id).build());
  }

  @Test
  void grpcServesEachModeAndExplainsItsIds() {
    long before = System.currentTimeMillis();
    long message = nextId("message");
    ExplainResponse fields = explain("message", message);
    assertThat(fields.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SNOWFLAKE);
    assertThat(fields.getUnixMs()).isBetween(before - 1, System.currentTimeMillis());
    assertThat(fields.getWorkerId())
        .isEqualTo(server.timeIds().get(Mode.SNOWFLAKE).worker())
        .isZero();

    long device = nextId("device");
    ExplainResponse sony = explain("device", device);
    assertThat(sony.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SONYFLAKE);
    assertThat(sony.getUnixMs() % 10).isZero();
    assertThat(sony.getUnixMs()).isBetween(before - 10, System.currentTimeMillis());

    assertThat(nextId("order")).isEqualTo(1);
    ExplainResponse segment = explain("order", 1);
    assertThat(segment.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SEGMENT);
    assertThat(segment.getUnixMs()).isZero();
  }

  @Test
  void nextIdsAnswersRangesForSegmentsAndListsForTimeTags() {
    nextId("order"); // 1
    NextIdsResponse ranges = nextIds("order", 250); // spans segments of 100
    assertThat(ranges.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SEGMENT);
    assertThat(ranges.hasRanges()).isTrue();
    long total = 0;
    long previousEnd = 0;
    for (IdRange range : ranges.getRanges().getRangesList()) {
      assertThat(range.getStart()).isGreaterThanOrEqualTo(previousEnd).isPositive();
      assertThat(range.getEnd()).isGreaterThan(range.getStart());
      total += range.getEnd() - range.getStart();
      previousEnd = range.getEnd();
    }
    assertThat(total).isEqualTo(250);
    assertThat(ranges.getRanges().getRanges(0).getStart()).isEqualTo(2);

    NextIdsResponse list = nextIds("message", 10_000); // more than one millisecond's sequence
    assertThat(list.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SNOWFLAKE);
    assertThat(list.getList().getIdsList()).hasSize(10_000).isSorted().doesNotHaveDuplicates();

    assertThat(nextIds("device", 1_000).getList().getIdsList()).hasSize(1_000).isSorted();
  }

  @Test
  void badRequestsGetPreciseStatuses() {
    assertStatus(() -> nextId(""), Status.Code.INVALID_ARGUMENT, "tag: ''");
    assertStatus(() -> nextId("Order"), Status.Code.INVALID_ARGUMENT, "tag: 'Order' (expected");
    assertStatus(
        () -> nextId("coupon"),
        Status.Code.NOT_FOUND,
        "tag 'coupon' is not configured (configured: device, message, order)");
    assertStatus(
        () -> nextIds("order", 0),
        Status.Code.INVALID_ARGUMENT,
        "count: 0 (expected: 1-10000 for segment tag 'order')");
    assertStatus(
        () -> nextIds("device", 1_001),
        Status.Code.INVALID_ARGUMENT,
        "count: 1001 (expected: 1-1000 for sonyflake tag 'device')");
    assertStatus(
        () -> explain("message", -5), Status.Code.INVALID_ARGUMENT, "id: -5 (expected: > 0)");
  }

  private static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  @Test
  void httpServesTheSameForCurlUsers() throws Exception {
    JsonNode one = json(http.get("/ids/order").aggregate().join(), 200);
    assertThat(one.get("mode").asText()).isEqualTo("segment");
    assertThat(one.get("id").asLong()).isEqualTo(1);

    JsonNode ranges = json(http.post("/ids/order?count=5", "").aggregate().join(), 200);
    assertThat(ranges.get("ranges").get(0).get("start").asLong()).isEqualTo(2);
    assertThat(ranges.get("ranges").get(0).get("end").asLong()).isEqualTo(7);

    JsonNode list = json(http.get("/ids/message?count=3").aggregate().join(), 200);
    assertThat(list.get("ids")).hasSize(3);
    long id = list.get("ids").get(2).asLong();

    JsonNode explained = json(http.get("/ids/message/explain?id=" + id).aggregate().join(), 200);
    assertThat(explained.get("mode").asText()).isEqualTo("snowflake");
    assertThat(explained.get("worker_id").asInt()).isZero();
    assertThat(explained.get("time").asText()).endsWith("Z");

    assertThat(json(http.get("/ids/nope").aggregate().join(), 404).get("error").asText())
        .isEqualTo("tag 'nope' is not configured (configured: device, message, order)");
    assertThat(json(http.get("/ids/order?count=x").aggregate().join(), 400).get("error").asText())
        .isEqualTo("count: 'x' (expected: a whole number)");
    assertThat(
            json(http.get("/ids/order?count=20000").aggregate().join(), 400).get("error").asText())
        .isEqualTo("count: 20000 (expected: 1-10000 for segment tag 'order')");
    assertThat(json(http.get("/ids/message/explain").aggregate().join(), 400).get("error").asText())
        .isEqualTo("id: missing (expected: a whole number)");
  }

  private static JsonNode json(AggregatedHttpResponse response, int status) throws Exception {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
    return JSON.readTree(response.contentUtf8());
  }

  @Test
  void healthAndMetricsAreServed() {
    nextId("order");
    nextId("message");
    assertThat(http.get("/health").aggregate().join().status().code()).isEqualTo(200);
    String metrics = http.get("/metrics").aggregate().join().contentUtf8();
    assertThat(metrics)
        .contains("herald_idgen_ids_issued_total{mode=\"segment\"}")
        .contains("herald_idgen_ids_issued_total{mode=\"snowflake\"}")
        .contains("herald_idgen_segment_remaining{tag=\"order\"}")
        .contains("herald_idgen_segment_seconds_left{tag=\"order\"}")
        .contains("herald_idgen_segment_fetch_seconds_count{result=\"ok\",tag=\"order\"}")
        .contains("herald_idgen_lease_renewals_total{pool=\"snowflake\",result=\"acquired\"}")
        .contains("herald_idgen_clock_stepbacks_total")
        .contains("herald_idgen_sequence_waits_total")
        .contains("herald_idgen_worker{mode=\"sonyflake\"} 0.0");
  }

  @Test
  void twoServersLeaseDifferentWorkersAndShareSegmentsWithoutOverlap() throws Exception {
    other = start();
    assertThat(other.timeIds().get(Mode.SNOWFLAKE).worker()).isEqualTo(1);
    assertThat(other.timeIds().get(Mode.SONYFLAKE).worker()).isEqualTo(1);
    ManagedChannel otherChannel =
        Grpc.newChannelBuilder("127.0.0.1:" + other.port(), InsecureChannelCredentials.create())
            .build();
    try {
      IdGenGrpc.IdGenBlockingStub theirs = IdGenGrpc.newBlockingStub(otherChannel);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < 20; i++) {
        for (IdGenGrpc.IdGenBlockingStub stub : List.of(grpc, theirs)) {
          NextIdsResponse reply =
              stub.nextIds(NextIdsRequest.newBuilder().setTag("order").setCount(37).build());
          for (IdRange range : reply.getRanges().getRangesList()) {
            for (long id = range.getStart(); id < range.getEnd(); id++) {
              assertThat(seen.add(id)).as("id %d twice", id).isTrue();
            }
          }
          long snowflake =
              stub.nextId(NextIdRequest.newBuilder().setTag("message").build()).getId();
          assertThat(seen.add(snowflake)).isTrue();
        }
      }
      assertThat(seen).hasSize(20 * 2 * 38);
    } finally {
      otherChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkerLeaseTakenAwayIsReplacedByAnotherWorkerId() {
    long before = nextId("message");
    assertThat(explain("message", before).getWorkerId()).isZero();

    // Someone else now holds worker 0 (as after a pause longer than the TTL).
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().set(redis.key("idgen:{snowflake}:lease:0"), "thief/999");
    } finally {
      client.shutdown();
    }
    server.renewLeasesNow();

    long after = nextId("message");
    assertThat(explain("message", after).getWorkerId()).isEqualTo(1);
    assertThat(after).isGreaterThan(before);
    assertThat(http.get("/health").aggregate().join().status().code()).isEqualTo(200);
  }
}
