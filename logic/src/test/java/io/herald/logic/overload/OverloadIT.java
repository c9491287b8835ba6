package io.herald.logic.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.config.ConfigLoader;
import io.herald.logic.api.PushGrpcService;
import io.herald.logic.auth.FakeAuthService;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.RejectReason;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logic's bounds on work in flight, on real sockets with a real Redis and Kafka: pushes whose
 * bodies have not arrived hold the push API's permits, so the next push (HTTP or gRPC) is refused
 * at once with the documented answer while queries still answer; Connects waiting on a held auth
 * webhook hold the Connect permits, so the next Connect is rejected as overloaded at once while
 * heartbeats still answer. Once the held work finishes, everything is accepted again.
 */
@RealRedis
@RealKafka
class OverloadIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "push-secret-0123456789";

  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong connIds = new AtomicLong();
  private final List<Socket> sockets = new ArrayList<>();
  private FakeAuthService auth;
  private LogicServer logic;
  private ManagedChannel channel;
  private WebClient http;
  private int httpPort;

  @BeforeEach
  void start(RedisServer redis, KafkaBroker kafka, @TempDir Path dir) throws Exception {
    auth = FakeAuthService.start();
    httpPort = FreePorts.next();
    int grpcPort = FreePorts.next();
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: webhook, webhook: {url: '" + auth.url() + "', timeout: 20s}}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + redis.keyPrefix() + "ov'}",
            "push:",
            "  kafka: {bootstrapServers: '"
                + kafka.bootstrapServers()
                + "', topic: "
                + kafka.newTopic(1)
                + "}",
            "  api: {requireToken: true, tokens: [" + TOKEN + "]}",
            "registry: {backend: memory}",
            "overload: {pushesInFlight: 2, pushBytesInFlight: 100000, connectsInFlight: 2,"
                + " retryAfter: 3s}",
            ""));
    LogicConfig config =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(file, Map.of())
            .config();
    logic = new LogicServer(config, Clock.systemUTC(), meters);
    logic.start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    http = WebClient.of("http://127.0.0.1:" + httpPort);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    logic.stop();
    auth.close();
  }

  @Test
  void pushesOverTheBoundAreRefusedAtOnceAndOthersAreServed() throws Exception {
    // Two pushes whose bodies are still on their way hold both permits.
    Socket first = stalledPush();
    Socket second = stalledPush();
    await().until(() -> gauge("herald.logic.inflight", "push") == 2);

    AggregatedHttpResponse refused = post("/goim/push/all?operation=1000", "hello");
    assertThat(refused.status().code()).isEqualTo(429);
    assertThat(refused.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("3");
    JsonNode body = JSON.readTree(refused.contentUtf8());
    assertThat(body.get("code").asInt()).isEqualTo(-503);
    assertThat(body.get("message").asText()).contains("overloaded");

    PushGrpc.PushBlockingStub grpc =
        PushGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer()))
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThatThrownBy(
            () ->
                grpc.pushAll(
                    PushAllRequest.newBuilder()
                        .setOp(1000)
                        .setBody(ByteString.copyFromUtf8("hi"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getTrailers().get(PushGrpcService.RETRY_AFTER_MS)).isEqualTo("3000");
            });
    assertThat(meters.counter("herald.logic.overloaded", "kind", "push").count()).isEqualTo(2);
    assertThat(
            meters.counter("herald.logic.pushes", "target", "all", "result", "overloaded").count())
        .isEqualTo(2);

    // Other callers are served meanwhile.
    AggregatedHttpResponse total = get("/goim/online/total");
    assertThat(total.status().code()).isEqualTo(200);
    assertThat(JSON.readTree(total.contentUtf8()).get("code").asInt()).isZero();

    // The held pushes finish normally, give their permits back, and pushes are accepted again.
    assertThat(finish(first)).contains("\"code\":0");
    assertThat(finish(second)).contains("\"code\":0");
    await().until(() -> gauge("herald.logic.inflight", "push") == 0);
    assertThat(gauge("herald.logic.inflight.bytes", "push")).isZero();
    AggregatedHttpResponse accepted = post("/goim/push/all?operation=1000", "hello");
    assertThat(accepted.status().code()).isEqualTo(200);
    assertThat(JSON.readTree(accepted.contentUtf8()).get("code").asInt()).isZero();
  }

  @Test
  void connectsOverTheBoundAreRejectedAsOverloadedAtOnceAndHeartbeatsAreServed() {
    LogicGrpc.LogicFutureStub async = LogicGrpc.newFutureStub(channel);
    LogicGrpc.LogicBlockingStub blocking =
        LogicGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    auth.hold();
    var firstConnect = async.connect(connect("tok-1"));
    var secondConnect = async.connect(connect("tok-2"));
    await().until(() -> gauge("herald.logic.inflight", "connect") == 2);

    ConnectResponse refused = blocking.connect(connect("tok-3"));
    assertThat(refused.getRejection().getReason()).isEqualTo(RejectReason.REJECT_REASON_OVERLOADED);
    assertThat(refused.getRejection().getRetryAfterMs()).isEqualTo(3000);
    assertThat(auth.calls()).isEqualTo(2); // the refused Connect cost no authentication
    assertThat(meters.counter("herald.logic.connects", "result", "overloaded").count())
        .isEqualTo(1);
    assertThat(meters.counter("herald.logic.overloaded", "kind", "connect").count()).isEqualTo(1);

    // A heartbeat of another connection is served meanwhile.
    blocking.heartbeat(
        HeartbeatRequest.newBuilder()
            .setServerId("comet-a")
            .setServerEpoch(1)
            .setMid(1)
            .setKey("key-elsewhere")
            .setConnId(connIds.incrementAndGet())
            .setPlatform("web")
            .build());

    auth.release();
    await().until(() -> firstConnect.isDone() && secondConnect.isDone());
    assertThat(blocking.connect(connect("tok-4")).hasRejection()).isFalse();
    await().until(() -> gauge("herald.logic.inflight", "connect") == 0);
  }

  private ConnectRequest connect(String token) {
    String body =
        "{\"key\":\"\",\"room_id\":\"\",\"platform\":\"web\",\"accepts\":[1000],\"token\":\""
            + token
            + "\"}";
    return ConnectRequest.newBuilder()
        .setServerId("comet-a")
        .setServerEpoch(1)
        .setConnId(connIds.incrementAndGet())
        .setClientIp("127.0.0.1")
        .setToken(ByteString.copyFromUtf8(body))
        .build();
  }

  private static final String STALLED_BODY = "0123456789";

  /** A push whose headers and first half of the body are sent; the rest waits for finish. */
  private Socket stalledPush() throws Exception {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort);
    sockets.add(socket);
    socket.setSoTimeout(20_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /goim/push/all?operation=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nContent-Length: "
                + STALLED_BODY.length()
                + "\r\nConnection: close\r\n\r\n"
                + STALLED_BODY.substring(0, 5))
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** Sends the rest of a stalled push's body and returns the whole answer. */
  private static String finish(Socket socket) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(STALLED_BODY.substring(5).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private double gauge(String name, String kind) {
    return meters.get(name).tag("kind", kind).gauge().value();
  }

  private static Metadata bearer() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
    return headers;
  }

  private AggregatedHttpResponse post(String path, String body) {
    return http.execute(
            HttpRequest.of(
                RequestHeaders.builder(HttpMethod.POST, path)
                    .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN)
                    .contentType(MediaType.PLAIN_TEXT_UTF_8)
                    .build(),
                com.linecorp.armeria.common.HttpData.ofUtf8(body)))
        .aggregate()
        .join();
  }

  private AggregatedHttpResponse get(String path) {
    return http.execute(
            RequestHeaders.builder(HttpMethod.GET, path)
                .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN)
                .build())
        .aggregate()
        .join();
  }
}
