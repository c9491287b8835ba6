package io.herald.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.config.ConfigLoader;
import io.herald.idgen.Mode;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.idgen.server.IdGenConfig;
import io.herald.idgen.server.IdGenServer;
import io.herald.idgen.server.TagConfig;
import io.herald.logic.queue.PushQueue;
import io.herald.proto.idgen.v1.ExplainRequest;
import io.herald.proto.idgen.v1.ExplainResponse;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.IdLayout;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.testkit.FreePorts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logic taking its message ids from a real IdGen server (in process, on its embedded H2 file, on a
 * real socket): pushes carry IdGen's ids; with IdGen stopped they go on from the buffer, then fail
 * with -500 / UNAVAILABLE, and succeed again once IdGen is back; a Logic started before IdGen is
 * unready until IdGen answers. Pushes go to an in-process queue: Kafka plays no part here.
 */
class IdGenMessageIdsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "push-secret-idgen-0123456789";
  private static final int BLOCK = 20;
  private static final int LOW_WATER = 5;

  private final List<PushMsg> queued = new CopyOnWriteArrayList<>();
  private final PushQueue queue =
      msg -> {
        queued.add(msg);
        return CompletableFuture.completedFuture(null);
      };
  private Path dir;
  private int idgenPort;
  private IdGenServer idgen;
  private LogicServer logic;
  private WebClient http;
  private ManagedChannel logicChannel;
  private ManagedChannel idgenChannel;

  @BeforeEach
  void ports(@TempDir Path dir) {
    this.dir = dir;
    idgenPort = FreePorts.next();
    idgenChannel =
        Grpc.newChannelBuilder("127.0.0.1:" + idgenPort, InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (logicChannel != null) {
      logicChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    idgenChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (logic != null) {
      logic.stop();
    }
    if (idgen != null) {
      idgen.stop();
    }
  }

  /** IdGen on an H2 file of this test's (kept across restarts), leases in it: no other server. */
  private void startIdGen() {
    IdGenConfig defaults = IdGenConfig.defaults();
    IdGenConfig config =
        new IdGenConfig(
            new IdGenConfig.Server("127.0.0.1", idgenPort),
            new DatabaseConfig(
                "jdbc:h2:file:" + dir.resolve("idgen") + ";MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE",
                "",
                "",
                2,
                Duration.ofSeconds(5)),
            defaults.leases(),
            defaults.snowflake(),
            defaults.sonyflake(),
            defaults.segments(),
            List.of(TagConfig.of("message", Mode.SNOWFLAKE), TagConfig.segment("order", 100)));
    idgen =
        new IdGenServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    idgen.start();
  }

  private void stopIdGen() {
    idgen.stop();
    idgen = null;
  }

  /** Logic with sessions and registry in memory, message ids from IdGen's {@code tag}. */
  private void startLogic(String tag) throws IOException {
    int httpPort = FreePorts.next();
    int grpcPort = FreePorts.next();
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: trust, allowTrust: true}",
            "store: {backend: memory}",
            "push:",
            "  api: {requireToken: true, tokens: [" + TOKEN + "]}",
            "  messageIds:",
            "    source: idgen",
            "    idgen:",
            "      target: 127.0.0.1:" + idgenPort,
            "      tag: " + tag,
            "      blockSize: " + BLOCK,
            "      lowWater: " + LOW_WATER,
            "      timeout: 1s",
            "      retryDelay: 100ms",
            "registry:",
            "  backend: memory",
            "  staticNodes:",
            "    - {serverId: comet-a, region: cn-east, tcp: 'a.example:3101',"
                + " grpc: '127.0.0.1:1', capacity: 1000}",
            ""));
    LogicConfig config =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(file, Map.of())
            .config();
    logic =
        new LogicServer(
            config,
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            new LogicServer.Provided(null, queue, builder -> {}));
    logic.start();
    http =
        WebClient.builder("http://127.0.0.1:" + httpPort)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
    logicChannel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    var connected =
        LogicGrpc.newBlockingStub(logicChannel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .connect(
                ConnectRequest.newBuilder()
                    .setServerId("comet-a")
                    .setServerEpoch(1)
                    .setConnId(1)
                    // As a Comet on this machine reports its client: trust mode believes no other.
                    .setClientIp("127.0.0.1")
                    .setToken(ByteString.copyFromUtf8("{\"mid\":7,\"key\":\"phone-7\"}"))
                    .build());
    assertThat(connected.hasRejection()).isFalse();
  }

  private int health() {
    return http.get("/health").aggregate().join().status().code();
  }

  /** goim's {@code POST /goim/push/mids} to mid 7: the reply's JSON. */
  private JsonNode pushMid() {
    AggregatedHttpResponse response =
        http.execute(
                RequestHeaders.builder(HttpMethod.POST, "/goim/push/mids?operation=1000&mids=7")
                    .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN)
                    .build(),
                HttpData.ofUtf8("hello"))
            .aggregate()
            .join();
    assertThat(response.status().code()).isEqualTo(200);
    try {
      return JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A push that succeeded: its message id, checked against the record queued for it. */
  private long pushedId() {
    JsonNode reply = pushMid();
    assertThat(reply.get("code").asInt()).as(reply.toString()).isZero();
    long id = Long.parseLong(reply.get("data").get("message_id").asText());
    assertThat(queued.get(queued.size() - 1).getMessageId()).isEqualTo(id);
    return id;
  }

  private ExplainResponse explain(String tag, long id) {
    return IdGenGrpc.newBlockingStub(idgenChannel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .explain(ExplainRequest.newBuilder().setTag(tag).setId(id).build());
  }

  private String scrape() {
    return http.get("/metrics").aggregate().join().contentUtf8();
  }

  @Test
  void pushesCarryIdGenIdsGoOnFromTheBufferFailWhenItRunsDryAndRecover() throws Exception {
    startIdGen();
    long before = System.currentTimeMillis();
    startLogic("message");
    await().atMost(Duration.ofSeconds(20)).until(() -> health() == 200);

    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(pushedId());
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    int worker = idgen.timeIds().get(Mode.SNOWFLAKE).worker();
    for (long id : ids) {
      ExplainResponse fields = explain("message", id);
      assertThat(fields.getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SNOWFLAKE);
      assertThat(fields.getWorkerId()).isEqualTo(worker);
      assertThat(fields.getUnixMs()).isBetween(before, System.currentTimeMillis());
    }

    stopIdGen();
    // The buffer (fewer than lowWater + blockSize ids) lasts a while, then every push fails.
    int served = 0;
    JsonNode failed = null;
    for (int i = 0; i < LOW_WATER + BLOCK && failed == null; i++) {
      JsonNode reply = pushMid();
      if (reply.get("code").asInt() == 0) {
        served++;
        ids.add(Long.parseLong(reply.get("data").get("message_id").asText()));
      } else {
        failed = reply;
      }
    }
    assertThat(failed).as("a push failed once the buffer ran dry").isNotNull();
    assertThat(served).isPositive();
    assertThat(failed.get("code").asInt()).isEqualTo(-500);
    assertThat(failed.get("message").asText())
        .startsWith(
            "message ids: none left from IdGen at 127.0.0.1:" + idgenPort + " (tag message): ");
    assertThat(pushMid().get("code").asInt()).as("still failing").isEqualTo(-500);
    Metadata bearer = new Metadata();
    bearer.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
    PushGrpc.PushBlockingStub grpc =
        PushGrpc.newBlockingStub(logicChannel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThatThrownBy(
            () ->
                grpc.pushMids(
                    PushMidsRequest.newBuilder()
                        .setOp(1000)
                        .addMids(7)
                        .setBody(ByteString.copyFromUtf8("hi"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).startsWith("message ids: none left");
            });
    assertThat(health()).as("connections still served: /health stays 200").isEqualTo(200);
    assertThat(scrape())
        .contains("herald_logic_ids_total{result=\"unavailable\"} 3.0")
        .contains("herald_logic_ids_fetch_seconds_count{result=\"error\"}")
        .contains("herald_logic_ids_buffered 0.0");
    assertThat(queued).hasSize(ids.size());

    startIdGen();
    long back = await().atMost(Duration.ofSeconds(20)).until(this::tryPush, id -> id > 0);
    assertThat(back).isGreaterThan(ids.get(ids.size() - 1));
    assertThat(explain("message", back).getLayout()).isEqualTo(IdLayout.ID_LAYOUT_SNOWFLAKE);
    assertThat(pushedId()).isGreaterThan(back);
    assertThat(queued.stream().map(PushMsg::getMessageId)).doesNotHaveDuplicates();
  }

  /** A push's message id, or 0 if it failed. */
  private long tryPush() {
    JsonNode reply = pushMid();
    return reply.get("code").asInt() == 0
        ? Long.parseLong(reply.get("data").get("message_id").asText())
        : 0;
  }

  @Test
  void aLogicStartedBeforeIdGenIsUnreadyUntilItAnswersAndThenServesItsSegment() throws Exception {
    startLogic("order");

    assertThat(health()).isEqualTo(503);
    JsonNode refused = pushMid();
    assertThat(refused.get("code").asInt()).isEqualTo(-500);
    assertThat(refused.get("message").asText())
        .startsWith("message ids: none left from IdGen at 127.0.0.1:" + idgenPort);
    assertThat(queued).isEmpty();

    startIdGen();
    await().atMost(Duration.ofSeconds(20)).until(() -> health() == 200);

    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < BLOCK + 5; i++) {
      // Pushes may outrun the background refill on a busy machine: the buffer is then spent for a
      // moment and a push fails fast (-500), taking no id, until the next block arrives.
      ids.add(await().atMost(Duration.ofSeconds(20)).until(this::tryPush, id -> id > 0));
    }
    // The segment's ids, 1 on, in blocks of 20: dense and increasing.
    assertThat(ids)
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, BLOCK + 5).boxed().toList());
  }
}
