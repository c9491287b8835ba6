package io.herald.comet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.common.v1.Frame;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Comet on real sockets in front of a real Logic (sessions in a real Redis, pushes into a real
 * Kafka): clients of both transports and both protocol versions authenticate, heartbeat, get pushed
 * to, misbehave, and fall behind.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CometIT {
  private static final AtomicInteger IDS = new AtomicInteger(1000);

  private Backends backends;
  private LogicServer logic;
  private Running comet;
  private ManagedChannel channel;
  private CometGrpc.CometBlockingStub pushes;
  private RedisServer redis;
  private String sessionPrefix;
  private int logicGrpcPort;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    this.redis = redis;
    sessionPrefix = redis.keyPrefix() + "sessions";
    backends =
        Backends.of(redis.uri(), kafka.bootstrapServers(), kafka.newTopic(1), "")
            .withKeyPrefix(sessionPrefix);
    logicGrpcPort = FreePorts.next();
    logic =
        new LogicServer(
            RoleConfigs.logic(backends, FreePorts.next(), logicGrpcPort)
                .set("registry", "{backend: memory}")
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    logic.start();
    comet =
        comet(
            "comet-it",
            yaml ->
                yaml.set(
                    "outbound",
                    "{lowWatermarkBytes: 4096, highWatermarkBytes: 8192, maxUnwritable: 1s}"));
    channel =
        Grpc.newChannelBuilder(
                "127.0.0.1:" + comet.config().listen().grpcPort(),
                InsecureChannelCredentials.create())
            .build();
    pushes = CometGrpc.newBlockingStub(channel);
  }

  /** A started Comet and the config it was started with. */
  private record Running(CometServer server, CometConfig config) {
    int tcpPort() {
      return config.listen().tcpPort();
    }
  }

  /** A Comet in this JVM, registering in memory, with {@code change} applied to its config. */
  private Running comet(String serverId, UnaryOperator<RoleYaml> change) {
    RoleYaml yaml =
        RoleConfigs.comet(backends, serverId, CometPorts.free(), logicGrpcPort)
            .set("registry", "{backend: memory}");
    CometConfig config =
        change.apply(yaml).load(CometConfig.class, CometConfig.defaults(), "COMET");
    CometServer server =
        new CometServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    return new Running(server, config);
  }

  @AfterAll
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    comet.server().stop(Duration.ofSeconds(2));
    logic.stop();
  }

  private WireClient tcp(ProtocolVersion version) {
    return WireClient.tcp(comet.config().listen().tcpPort(), version);
  }

  private WireClient ws(ProtocolVersion version) {
    return WireClient.webSocket(comet.config().listen().wsPort(), version);
  }

  private static String auth(long mid, String key, String room, String accepts) {
    return "{\"mid\":"
        + mid
        + ",\"key\":\""
        + key
        + "\",\"room_id\":\""
        + room
        + "\",\"platform\":\"web\",\"accepts\":["
        + accepts
        + "]}";
  }

  /** Authenticates and returns the AUTH_REPLY. */
  private static Received authenticate(WireClient client, ProtocolVersion version, String json) {
    Received reply = client.auth(json);
    assertThat(reply.version()).isEqualTo(version);
    return reply;
  }

  private static String key(String name) {
    return name + "-" + IDS.incrementAndGet();
  }

  @Test
  void tcpAndWebSocketClientsOfBothVersionsAuthenticateAndHeartbeat() throws Exception {
    String room = "live://hb-" + IDS.incrementAndGet();
    try (WireClient v1 = tcp(ProtocolVersion.V1);
        WireClient v2 = ws(ProtocolVersion.V2)) {
      Received goimReply = authenticate(v1, ProtocolVersion.V1, auth(1, key("t"), room, "1000"));
      assertThat(goimReply.body()).as("goim's AUTH_REPLY has an empty body").isEmpty();
      authenticate(v2, ProtocolVersion.V2, auth(2, key("w"), room, "1000"));

      v1.send(Op.HEARTBEAT, 7, new byte[0]);
      Received pong = v1.await(Op.HEARTBEAT_REPLY);
      assertThat(pong.seq()).isEqualTo(7);
      assertThat(pong.body()).hasSize(4);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                v2.send(Op.HEARTBEAT, 8, new byte[0]);
                Received reply = v2.await(Op.HEARTBEAT_REPLY);
                assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
                assertThat(reply.bodyInt()).as("both members of the room").isEqualTo(2);
              });
    }
  }

  @Test
  void goimsJavaScriptClientFlowWorks() throws Exception {
    // As goim's examples/javascript/client.js: AUTH with goim's JSON (no token), a heartbeat
    // right after the reply (then every 30 s), and op-9 batches unpacked frame by frame.
    String room = "live://" + IDS.incrementAndGet();
    try (WireClient goim = ws(ProtocolVersion.V1)) {
      goim.send(
          Op.AUTH,
          1,
          "{\"mid\":123,\"room_id\":\""
              + room
              + "\",\"platform\":\"web\",\"accepts\":[1000,1001,1002]}");
      goim.await(Op.AUTH_REPLY);
      goim.send(Op.HEARTBEAT, 2, new byte[0]);
      assertThat(goim.await(Op.HEARTBEAT_REPLY).bodyInt()).isEqualTo(1);

      pushes.broadcastRoom(
          BroadcastRoomRequest.newBuilder()
              .setRoomId(room)
              .addFrames(frame(1000, "one"))
              .addFrames(frame(1001, "two"))
              .addFrames(frame(1002, "three"))
              .build());

      List<Received> batch = goim.collect(r -> r.op() >= 1000, Duration.ofSeconds(2));
      assertThat(batch).extracting(Received::text).containsExactly("one", "two", "three");
      assertThat(batch).extracting(Received::version).containsOnly(ProtocolVersion.V1);
    }
  }

  @Test
  void pushMsgReachesExactlyTheAddressedKeys() throws Exception {
    String a = key("a");
    String b = key("b");
    String c = key("c");
    try (WireClient ca = tcp(ProtocolVersion.V1);
        WireClient cb = tcp(ProtocolVersion.V2);
        WireClient cc = ws(ProtocolVersion.V2)) {
      authenticate(ca, ProtocolVersion.V1, auth(11, a, "", "1000"));
      authenticate(cb, ProtocolVersion.V2, auth(12, b, "", "1000"));
      authenticate(cc, ProtocolVersion.V2, auth(13, c, "", "1000"));

      var reply =
          pushes.pushMsg(
              PushMsgRequest.newBuilder()
                  .addKeys(a)
                  .addKeys(c)
                  .addKeys("nobody")
                  .setOp(1000)
                  .setBody(ByteString.copyFromUtf8("for a and c"))
                  .build());

      assertThat(reply.getAbsentKeysList()).containsExactly("nobody");
      assertThat(ca.await(1000).text()).isEqualTo("for a and c");
      assertThat(cc.await(1000).version()).isEqualTo(ProtocolVersion.V2);
      assertThat(cb.collect(r -> r.op() == 1000, Duration.ofMillis(500))).isEmpty();
    }
  }

  @Test
  void broadcastRoomReachesExactlyTheMembersOnBothTransports() throws Exception {
    String room = "live://" + IDS.incrementAndGet();
    try (WireClient member = tcp(ProtocolVersion.V1);
        WireClient wsMember = ws(ProtocolVersion.V2);
        WireClient outsider = tcp(ProtocolVersion.V1)) {
      authenticate(member, ProtocolVersion.V1, auth(21, key("m"), room, ""));
      authenticate(wsMember, ProtocolVersion.V2, auth(22, key("w"), room, ""));
      authenticate(outsider, ProtocolVersion.V1, auth(23, key("o"), "live://elsewhere", ""));

      double framesOut = counter("herald.comet.frames", "direction", "out");
      double bytesOut = counter("herald.comet.bytes", "direction", "out");

      var reply =
          pushes.broadcastRoom(
              BroadcastRoomRequest.newBuilder()
                  .setRoomId(room)
                  .addFrames(frame(1000, "first"))
                  .addFrames(frame(1000, "second"))
                  .build());

      assertThat(reply.getRecipients()).isEqualTo(2);
      for (WireClient client : List.of(member, wsMember)) {
        assertThat(client.collect(r -> r.op() == 1000, Duration.ofSeconds(1)))
            .extracting(Received::text)
            .containsExactly("first", "second");
      }
      assertThat(outsider.collect(r -> r.op() == 1000, Duration.ofMillis(300))).isEmpty();
      // WebSocket: one op-9 message holding both frames, in the member's version.
      assertThat(wsMember.batches())
          .singleElement()
          .satisfies(
              batch -> {
                assertThat(batch).extracting(Received::text).containsExactly("first", "second");
                assertThat(batch).extracting(Received::version).containsOnly(ProtocolVersion.V2);
              });
      // TCP: the batch's body alone, as goim writes it: the inner frames back to back.
      assertThat(member.batches()).isEmpty();
      // Either way one buffer per member: the batch counts as one frame out, with its bytes.
      int v1 = ProtocolVersion.V1.headerLength();
      int v2 = ProtocolVersion.V2.headerLength();
      int bodies = "first".length() + "second".length();
      assertThat(counter("herald.comet.frames", "direction", "out")).isEqualTo(framesOut + 2);
      assertThat(counter("herald.comet.bytes", "direction", "out"))
          .isEqualTo(bytesOut + (2 * v1 + bodies) + (v2 + 2 * v2 + bodies));
    }
  }

  @Test
  void acceptsSubAndUnsubFilterWhatAConnectionGets() throws Exception {
    String key = key("f");
    try (WireClient client = tcp(ProtocolVersion.V2)) {
      authenticate(client, ProtocolVersion.V2, auth(31, key, "", "1000"));

      push(key, 1001, "not accepted");
      push(key, 1000, "accepted");
      assertThat(client.await(1000).text()).isEqualTo("accepted");

      client.send(Op.SUB, 3, "1001");
      assertThat(client.await(Op.SUB_REPLY).seq()).isEqualTo(3);
      push(key, 1001, "now accepted");
      assertThat(client.await(1001).text()).isEqualTo("now accepted");

      client.send(Op.UNSUB, 4, "1000");
      client.await(Op.UNSUB_REPLY);
      push(key, 1000, "unsubscribed");
      push(key, 1001, "still on");
      assertThat(client.await(1001).text()).isEqualTo("still on");
      assertThat(
              client.collect(
                  r -> r.op() == 1000 || r.text().equals("not accepted"), Duration.ofMillis(300)))
          .isEmpty();
    }
  }

  @Test
  void badInputClosesOnlyThatConnectionAndIsCounted() throws Exception {
    String bystanderKey = key("by");
    try (WireClient bystander = tcp(ProtocolVersion.V2);
        WireClient beforeAuth = tcp(ProtocolVersion.V1);
        WireClient badAuth = tcp(ProtocolVersion.V2);
        WireClient oversized = tcp(ProtocolVersion.V1);
        WireClient garbage = tcp(ProtocolVersion.V1);
        WireClient text = ws(ProtocolVersion.V1)) {
      authenticate(bystander, ProtocolVersion.V2, auth(41, bystanderKey, "", ""));

      beforeAuth.send(Op.HEARTBEAT, 1, new byte[0]);
      badAuth.send(Op.AUTH, 1, "{\"mid\":\"not a number\"");
      oversized.send(1000, 1, new byte[5000]);
      garbage.sendBytes(
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      text.sendText("{\"mid\":1}");

      for (WireClient client : List.of(beforeAuth, badAuth, oversized, garbage, text)) {
        await().atMost(Duration.ofSeconds(5)).until(client::isClosed);
      }
      Received reason = badAuth.await(Op.DISCONNECT_REPLY);
      assertThat(reason.text()).as("a v2 client is told why").isNotEmpty();

      push(bystanderKey, 1000, "still here");
      assertThat(bystander.await(1000).text()).isEqualTo("still here");
      // The oversized frame, and the HTTP request read as a frame (its first bytes are a packLen
      // of over a gigabyte), are both refused from their first bytes.
      assertThat(counter("herald.comet.protocol.errors", "reason", "frame_too_large"))
          .isGreaterThanOrEqualTo(2);
      assertThat(counter("herald.comet.protocol.errors", "reason", "not_binary")).isPositive();
      assertThat(counter("herald.comet.handshakes", "result", "not_auth")).isPositive();
      assertThat(counter("herald.comet.handshakes", "result", "rejected")).isPositive();
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterItsDeadlineAndItsSessionRemoved() throws Exception {
    Running strict =
        comet("comet-strict", yaml -> yaml.set("heartbeat", "{minTimeout: 500ms, maxTimeout: 1s}"));
    String key = key("silent");
    RedisClient client = RedisClient.create(redis.uri());
    try (WireClient silent = WireClient.tcp(strict.tcpPort(), ProtocolVersion.V1);
        var sessions = client.connect()) {
      authenticate(silent, ProtocolVersion.V1, auth(51, key, "", ""));
      assertThat(sessions.sync().exists(sessionPrefix + ":key:" + key)).isOne();

      await().atMost(Duration.ofSeconds(5)).until(silent::isClosed);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(sessions.sync().exists(sessionPrefix + ":key:" + key)).isZero());
      assertThat(
              Search.in(strict.server().meters())
                  .name("herald.comet.heartbeat.timeouts")
                  .counter()
                  .count())
          .isOne();
    } finally {
      client.shutdown();
      strict.server().stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void aClientThatStopsReadingIsDroppedWhileTheOthersStillReceive() throws Exception {
    String room = "live://" + IDS.incrementAndGet();
    String slowKey = key("slow");
    String readerKey = key("reader");
    try (WireClient slow = WireClient.notReading(comet.tcpPort(), ProtocolVersion.V1);
        WireClient reader = tcp(ProtocolVersion.V1)) {
      slow.send(Op.AUTH, 1, auth(61, slowKey, room, ""));
      authenticate(reader, ProtocolVersion.V1, auth(62, readerKey, room, ""));
      await().until(() -> comet.server().buckets().get(slowKey) != null);

      // Far more than the socket buffers of a client that does not read can hold (12 MB): its
      // queue fills, pushes to it are dropped and counted, and it is closed after maxUnwritable.
      // Meanwhile the server's queue for it stays bounded: pushes are admitted up to 4 times the
      // high watermark (OutboundWriter.QUEUE_LIMIT_FACTOR), so it holds at most that plus the one
      // push admitted last. Pushes here come one at a time (a blocking stub).
      Channel slowChannel = comet.server().buckets().get(slowKey).channel();
      byte[] body = new byte[3000];
      long high = comet.config().outbound().highWatermarkBytes();
      // A push as the outbound buffer counts it: its bytes plus Netty's 96 bytes per entry
      // (io.netty.transport.outboundBufferEntrySizeOverhead; a write still on its way to the
      // event loop counts 32).
      long onePush = ProtocolVersion.V1.headerLength() + body.length + 96;
      long mostPending = 0;
      double mostUnwritable = 0;
      for (int i = 0; i < 4000 && comet.server().buckets().get(slowKey) != null; i++) {
        broadcast(room, body);
        mostPending = Math.max(mostPending, pendingBytes(slowChannel));
        mostUnwritable = Math.max(mostUnwritable, gauge("herald.comet.write.queue.unwritable"));
      }
      assertThat(mostPending).as("the slow reader's queue, at most").isGreaterThan(high);
      assertThat(mostPending).isLessThanOrEqualTo(4 * high + onePush);
      assertThat(mostUnwritable).as("write-queue pressure").isGreaterThanOrEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(comet.server().buckets().get(slowKey)).isNull();
                assertThat(
                        Search.in(comet.server().meters())
                            .name("herald.comet.slow.consumers.closed")
                            .counter()
                            .count())
                    .isPositive();
              });
      assertThat(counter("herald.comet.push.dropped", "reason", "unwritable")).isPositive();

      // The member that reads is still here and receives every message sent after.
      assertThat(comet.server().buckets().get(readerKey)).isNotNull();
      for (int i = 0; i < 50; i++) {
        broadcast(room, ("after-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      List<Received> after =
          reader.collect(
              r -> r.op() == 1000 && r.text().startsWith("after-"), Duration.ofSeconds(5));
      assertThat(after)
          .extracting(Received::text)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 50).mapToObj(i -> "after-" + i).toList());
    }
  }

  private void broadcast(String room, byte[] body) {
    pushes.broadcastRoom(
        BroadcastRoomRequest.newBuilder()
            .setRoomId(room)
            .addFrames(Frame.newBuilder().setOp(1000).setBody(ByteString.copyFrom(body)))
            .build());
  }

  private void push(String key, int op, String body) {
    pushes.pushMsg(
        PushMsgRequest.newBuilder()
            .addKeys(key)
            .setOp(op)
            .setBody(ByteString.copyFromUtf8(body))
            .build());
  }

  private static Frame frame(int op, String body) {
    return Frame.newBuilder().setOp(op).setBody(ByteString.copyFromUtf8(body)).build();
  }

  /** Bytes queued on a server channel and not yet taken by its socket (writes in flight too). */
  private static long pendingBytes(Channel channel) {
    ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
    return queue == null ? 0 : queue.totalPendingWriteBytes();
  }

  private double gauge(String name) {
    var gauge = Search.in(comet.server().meters()).name(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private double counter(String name, String tag, String value) {
    var counter = Search.in(comet.server().meters()).name(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }
}
