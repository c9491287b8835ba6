package io.herald.balancer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.balancer.ClientBackoff;
import io.herald.balancer.ClientHeartbeat;
import io.herald.balancer.SelectionConfig;
import io.herald.proto.balancer.v1.BalancerGrpc;
import io.herald.proto.balancer.v1.NodesRequest;
import io.herald.proto.balancer.v1.NodesResponse;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.GetNodeRequest;
import io.herald.proto.registry.v1.ListNodesRequest;
import io.herald.proto.registry.v1.NodeState;
import io.herald.proto.registry.v1.RegistryGrpc;
import io.herald.redis.RedisEndpoint;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryConfig;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Balancer over real sockets, reading a registry that Comets write to a real Redis: HTTP {@code
 * /nodes} with its 400 answers, gRPC Balancer and Registry, health and metrics.
 */
@RealRedis
class BalancerServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Registry comets;
  private BalancerServer balancer;
  private WebClient http;
  private ManagedChannel grpc;

  @BeforeEach
  void start(RedisServer redis) {
    RegistryConfig registry =
        new RegistryConfig(
            RegistryConfig.REDIS,
            new RedisEndpoint(redis.uri(), redis.keyPrefix(), Duration.ofSeconds(2)),
            Duration.ofSeconds(2),
            Duration.ofMillis(500),
            Duration.ofMillis(100),
            List.of());
    comets = Registries.create(registry, Clock.systemUTC(), new SimpleMeterRegistry());
    comets.start();
    BalancerConfig config =
        new BalancerConfig(
            new BalancerConfig.Server("127.0.0.1", 0, List.of("127.0.0.1/32"), false),
            new SelectionConfig(
                new SelectionConfig.Limits(5, 20),
                SelectionConfig.defaults().regions(),
                "",
                Map.of("203.0.113.0/24", "jp"),
                "",
                ClientHeartbeat.DEFAULT,
                ClientBackoff.DEFAULT),
            registry);
    balancer =
        new BalancerServer(
            config,
            Registries.create(registry, Clock.systemUTC(), new SimpleMeterRegistry()),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    balancer.start();
    http = WebClient.of("http://127.0.0.1:" + balancer.port());
    grpc =
        Grpc.newChannelBuilder("127.0.0.1:" + balancer.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    balancer.stop();
    comets.stop();
  }

  @Test
  void registeredNodesAppearAndOneThatStopsRenewingDisappears() throws Exception {
    register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
    register(node("jp-1", "jp", NodeState.NODE_STATE_UP));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(serverIds(get("/nodes"))).containsExactlyInAnyOrder("east-1", "jp-1"));

    // jp-1 stops renewing; east-1 goes on. Within jp-1's TTL (2 s) plus a poll it is gone.
    await()
        .atMost(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
              assertThat(serverIds(get("/nodes"))).containsExactly("east-1");
            });
  }

  @Test
  void aDrainingNodeIsNeverHandedOutButStaysListedForReaders() throws Exception {
    register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
    register(node("east-2", "cn-east", NodeState.NODE_STATE_DRAINING));
    RegistryGrpc.RegistryBlockingStub registry = RegistryGrpc.newBlockingStub(grpc);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .listNodes(
                                ListNodesRequest.newBuilder().setIncludeDraining(true).build())
                            .getNodesList())
                    .extracting(CometNode::getServerId)
                    .containsExactly("east-1", "east-2"));

    assertThat(serverIds(get("/nodes"))).containsExactly("east-1");
    assertThat(
            registry.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                .map(CometNode::getServerId))
        .containsExactly("east-1");
    assertThat(
            registry
                .getNode(GetNodeRequest.newBuilder().setServerId("east-2").build())
                .getNode()
                .getState())
        .isEqualTo(NodeState.NODE_STATE_DRAINING);
  }

  @Test
  void answersWithNearestRegionFirstAndTheClientPolicies() throws Exception {
    register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
    register(node("jp-1", "jp", NodeState.NODE_STATE_UP));
    await().untilAsserted(() -> assertThat(serverIds(get("/nodes"))).hasSize(2));

    JsonNode tokyo = json(get("/nodes?platform=android&lat=35.7&lon=139.7"));

    assertThat(tokyo.get("client_region").asText()).isEqualTo("jp");
    assertThat(tokyo.get("located_by").asText()).isEqualTo("coordinates");
    assertThat(serverIdsOf(tokyo)).containsExactly("jp-1", "east-1");
    JsonNode first = tokyo.get("nodes").get(0);
    assertThat(first.get("tcp").asText()).isEqualTo("jp-1.example:3101");
    assertThat(first.get("ws").asText()).isEqualTo("jp-1.example:3102");
    assertThat(tokyo.get("heartbeat").get("interval_ms").asLong()).isEqualTo(240_000);
    assertThat(tokyo.get("heartbeat").get("min_interval_ms").asLong()).isEqualTo(60_000);
    assertThat(tokyo.get("backoff").get("factor").asDouble()).isEqualTo(1.6);
    assertThat(tokyo.get("backoff").get("max_delay_ms").asLong()).isEqualTo(120_000);

    JsonNode shanghai = json(get("/nodes?lat=31.2&lon=121.5&limit=1"));
    assertThat(serverIdsOf(shanghai)).containsExactly("east-1");
  }

  @Test
  void locatesByTheForwardedAddressOfATrustedProxy() throws Exception {
    register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
    register(node("jp-1", "jp", NodeState.NODE_STATE_UP));
    await().untilAsserted(() -> assertThat(serverIds(get("/nodes"))).hasSize(2));

    AggregatedHttpResponse response =
        http.execute(
                HttpRequest.of(
                    RequestHeaders.builder(HttpMethod.GET, "/nodes")
                        .add("x-forwarded-for", "203.0.113.7")
                        .build()))
            .aggregate()
            .join();

    JsonNode body = json(response);
    assertThat(body.get("located_by").asText()).isEqualTo("cidr");
    assertThat(body.get("client_region").asText()).isEqualTo("jp");
    assertThat(serverIdsOf(body).get(0)).isEqualTo("jp-1");
  }

  @Test
  void refusesBadParametersWith400NamingThem() throws Exception {
    assertBadRequest("/nodes?lat=abc&lon=1", "lat: 'abc' (expected: a number)");
    assertBadRequest("/nodes?lat=10", "lon: missing (expected: lat and lon together)");
    assertBadRequest("/nodes?lat=91&lon=0", "lat: 91.0 (expected: -90 to 90)");
    assertBadRequest("/nodes?lat=0&lon=-181", "lon: -181.0 (expected: -180 to 180)");
    assertBadRequest("/nodes?limit=0", "limit: 0 (expected: >= 1)");
    assertBadRequest("/nodes?limit=many", "limit: 'many' (expected: a whole number)");
    assertBadRequest("/nodes?limit=21", "limit: 21 (expected: 1-20)");
    assertThat(http.post("/nodes", "").aggregate().join().status().code()).isEqualTo(405);
  }

  @Test
  void grpcAnswersLikeHttpAndRefusesBadArguments() throws Exception {
    register(node("east-1", "cn-east", NodeState.NODE_STATE_UP));
    register(node("jp-1", "jp", NodeState.NODE_STATE_UP));
    BalancerGrpc.BalancerBlockingStub balancerStub = BalancerGrpc.newBlockingStub(grpc);
    await()
        .untilAsserted(
            () ->
                assertThat(balancerStub.nodes(NodesRequest.getDefaultInstance()).getNodesCount())
                    .isEqualTo(2));

    NodesResponse tokyo =
        balancerStub.nodes(NodesRequest.newBuilder().setLatitude(35.7).setLongitude(139.7).build());
    assertThat(tokyo.getNodesList())
        .extracting(NodeAddress::getServerId)
        .containsExactly("jp-1", "east-1");
    assertThat(tokyo.getClientRegion()).isEqualTo("jp");
    assertThat(tokyo.getHeartbeat().getMaxIntervalMs()).isEqualTo(300_000);
    assertThat(
            balancerStub
                .nodes(NodesRequest.newBuilder().setClientIp("203.0.113.9").build())
                .getClientRegion())
        .isEqualTo("jp");

    assertThatThrownBy(() -> balancerStub.nodes(NodesRequest.newBuilder().setLatitude(100).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("lon: missing");
            });
    assertThatThrownBy(
            () ->
                RegistryGrpc.newBlockingStub(grpc)
                    .getNode(GetNodeRequest.newBuilder().setServerId("nobody").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void servesHealthAndPrometheusMetrics() throws Exception {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(http.get("/health").aggregate().join().status().code()).isEqualTo(200));
    get("/nodes");
    get("/nodes?lat=x");
    String metrics = http.get("/metrics").aggregate().join().contentUtf8();
    assertThat(metrics)
        .contains("herald_balancer_requests_total{result=\"no_nodes\",transport=\"http\"} 1.0")
        .contains("herald_balancer_requests_total{result=\"bad_request\",transport=\"http\"} 1.0");
  }

  private void register(CometNode node) {
    comets.register(node).join();
  }

  private static CometNode node(String id, String region, NodeState state) {
    return CometNode.newBuilder()
        .setServerId(id)
        .setRegion(region)
        .setWeight(10)
        .setTcpAddress(id + ".example:3101")
        .setWsAddress(id + ".example:3102")
        .setGrpcAddress(id + ".example:3109")
        .setConnections(10)
        .setCapacity(1000)
        .setState(state)
        .setEpoch(1)
        .build();
  }

  private AggregatedHttpResponse get(String path) {
    return http.get(path).aggregate().join();
  }

  private void assertBadRequest(String path, String error) throws Exception {
    AggregatedHttpResponse response = get(path);
    assertThat(response.status().code()).as(path).isEqualTo(400);
    assertThat(json(response).get("error").asText()).as(path).isEqualTo(error);
  }

  private static JsonNode json(AggregatedHttpResponse response) throws Exception {
    assertThat(response.status().code())
        .as(response.contentUtf8())
        .isEqualTo(200 == response.status().code() ? 200 : response.status().code());
    return JSON.readTree(response.contentUtf8());
  }

  private static List<String> serverIds(AggregatedHttpResponse response) throws Exception {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    return serverIdsOf(JSON.readTree(response.contentUtf8()));
  }

  private static List<String> serverIdsOf(JsonNode body) {
    return java.util.stream.StreamSupport.stream(body.get("nodes").spliterator(), false)
        .map(node -> node.get("server_id").asText())
        .toList();
  }
}
