package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.PushMsgResponse;
import io.herald.proto.common.v1.NodeAddress;
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
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Comet on real sockets in front of a real Logic (trust mode, sessions in a real Redis, pushes
 * into a real Kafka), registering in the Redis registry: a TCP client authenticates through Logic,
 * the node shows in the registry with its connection, a push over the Comet's gRPC reaches the
 * client, and a drain sends the client elsewhere, closes it at the deadline and deregisters.
 */
@RealRedis
@RealKafka
class CometServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String KEY = "device-101";

  private LogicServer logic;
  private CometServer comet;
  private CometConfig config;
  private Registry reader;
  private ManagedChannel channel;
  private CometGrpc.CometBlockingStub job;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;
  private String sessionPrefix;

  @BeforeEach
  void start(RedisServer redisServer, KafkaBroker kafka) {
    sessionPrefix = redisServer.keyPrefix() + "logic";
    Backends backends =
        new Backends(
            redisServer.uri(),
            sessionPrefix,
            kafka.bootstrapServers(),
            kafka.newTopic(),
            "",
            new Backends.Registry("5s", "500ms", "100ms"));
    int logicGrpcPort = FreePorts.next();
    logic =
        new LogicServer(
            RoleConfigs.logic(backends, FreePorts.next(), logicGrpcPort)
                .put("store", "sessionTtl", "60s")
                .put("store", "onlineRefresh", "100ms")
                .put("push", "api", "{requireToken: true, tokens: [push-secret-0123456789]}")
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    logic.start();

    config =
        TestConfigs.comet(
            backends,
            "comet-it",
            logicGrpcPort,
            yaml ->
                yaml.set("logic", "{target: '127.0.0.1:" + logicGrpcPort + "', callTimeout: 5s}")
                    .set("drain", "30s"));
    comet =
        new CometServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    comet.start();

    reader = Registries.create(config.registry(), Clock.systemUTC(), new SimpleMeterRegistry());
    reader.start();
    channel =
        Grpc.newChannelBuilder(
                "127.0.0.1:" + config.listen().grpcPort(), InsecureChannelCredentials.create())
            .build();
    job = CometGrpc.newBlockingStub(channel);
    redisClient = RedisClient.create(redisServer.uri());
    redis = redisClient.connect();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (comet != null) {
      comet.stop(Duration.ofSeconds(2));
    }
    if (reader != null) {
      reader.stop();
    }
    if (logic != null) {
      logic.stop();
    }
    if (redisClient != null) {
      redis.close();
      redisClient.shutdown();
    }
  }

  @Test
  void aClientAuthenticatesThroughLogicReceivesAPushAndIsDrainedElsewhere() throws Exception {
    try (WireClient client = WireClient.tcp(config.listen().tcpPort(), ProtocolVersion.V2)) {
      // goim's AUTH body; Logic in trust mode believes the mid and keeps the key.
      client.send(
          Op.AUTH,
          1,
          "{\"mid\":101,\"key\":\""
              + KEY
              + "\",\"room_id\":\"live://1000\",\"platform\":\"web\","
              + "\"accepts\":[1000,1001]}");
      Received authReply = client.await(Op.AUTH_REPLY, WAIT);
      JsonNode accepted = JSON.readTree(authReply.text());
      assertThat(accepted.get("mid").asLong()).isEqualTo(101);
      assertThat(accepted.get("key").asText()).isEqualTo(KEY);
      assertThat(redis.sync().hget(sessionPrefix + ":key:" + KEY, "server")).isEqualTo("comet-it");

      // Registered, with the connection counted at a renewal.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(reader.node("comet-it"))
                      .hasValueSatisfying(
                          node -> {
                            assertThat(node.getConnections()).isOne();
                            assertThat(node.getState()).isEqualTo(NodeState.NODE_STATE_UP);
                            assertThat(node.getEpoch()).isEqualTo(comet.epoch());
                            assertThat(node.getTcpAddress())
                                .isEqualTo("127.0.0.1:" + config.listen().tcpPort());
                            assertThat(node.getGrpcAddress())
                                .isEqualTo("127.0.0.1:" + config.listen().grpcPort());
                          }));

      // Room counts went to Logic, whose cluster-wide count answers heartbeats.
      await().atMost(WAIT).until(() -> comet.buckets().room("live://1000").onlineCount() == 1);
      client.send(Op.HEARTBEAT, 2, "");
      assertThat(client.await(Op.HEARTBEAT_REPLY, WAIT).bodyInt()).isOne();

      // Job's PushMsg reaches the client.
      PushMsgResponse pushed =
          job.withDeadlineAfter(10, TimeUnit.SECONDS)
              .pushMsg(
                  PushMsgRequest.newBuilder()
                      .addKeys(KEY)
                      .addKeys("nobody")
                      .setOp(1000)
                      .setBody(ByteString.copyFromUtf8("hello"))
                      .build());
      assertThat(pushed.getAbsentKeysList()).containsExactly("nobody");
      Received push = client.await(1000, WAIT);
      assertThat(push.text()).isEqualTo("hello");
      assertThat(push.version()).isEqualTo(ProtocolVersion.V2);

      // Drain: the client is told where to go, the node turns DRAINING for readers.
      DrainResponse draining =
          job.withDeadlineAfter(10, TimeUnit.SECONDS)
              .drain(
                  DrainRequest.newBuilder()
                      .addHints(
                          NodeAddress.newBuilder()
                              .setServerId("comet-other")
                              .setTcp("other.example:3101")
                              .setWs("other.example:3102"))
                      .setGraceMs(1_500)
                      .build());
      assertThat(draining.getConnections()).isOne();
      assertThat(draining.getAlreadyDraining()).isFalse();
      assertThat(draining.getDeadlineUnixMs())
          .isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 1_500);
      assertThat(client.await(Op.RECONNECT, WAIT).text())
          .isEqualTo("{\"reason\":\"draining\",\"nodes\":[\"other.example:3101\"]}");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  reader
                      .node("comet-it")
                      .map(CometNode::getState)
                      .equals(Optional.of(NodeState.NODE_STATE_DRAINING)));

      // The client stays: at the deadline it is closed, its session removed, the node gone.
      assertThat(client.closed()).succeedsWithin(WAIT);
      assertThat(comet.terminated()).succeedsWithin(WAIT);
      await().atMost(WAIT).until(() -> reader.node("comet-it").isEmpty());
      await().atMost(WAIT).until(() -> redis.sync().exists(sessionPrefix + ":key:" + KEY) == 0);
    }
  }
}
