package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldListener;
import io.herald.client.InboxReset;
import io.herald.client.InboxStore;
import io.herald.client.MemoryInboxStore;
import io.herald.client.Message;
import io.herald.it.support.GoimApi;
import io.herald.it.support.TestDevices;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.MessageEnvelope;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The delivery classes across the roles' processes — Logic, Job and Comets each in a JVM of its
 * own, inboxes and sessions in a Redis of the test's own, a real Kafka broker — checked against
 * what docs/delivery.md promises: stored pushes reach devices that were offline, in order and once
 * at the application, also when a Comet or Job is killed in the middle; acked pushes are resent
 * until acked and cost bounded memory when never acked; a trimmed or lost inbox is a reset, never a
 * silent gap; goim's version 1 clients are unaffected.
 *
 * <p>One system (Logic, comets A and B, a Comet with short ack resends for the acked test, Job)
 * serves the tests (starting one takes longer than most tests): each test talks as users of its
 * own; the two that kill Job or comet A run last, in that order. The retention test needs a Logic
 * that keeps 10 stored pushes: it starts a system of its own.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final AtomicLong MIDS = new AtomicLong(40_000);

  private KafkaBroker kafka;
  private RedisProcess redis;
  private HeraldCluster cluster;
  private HeraldCluster.Logic logic;
  private HeraldCluster.Comet cometA;
  private HeraldCluster.Comet cometB;
  private HeraldCluster.Comet cometAcks;
  private HeraldCluster.Role job;
  private final List<Device> devices = new ArrayList<>();
  private final List<WireClient> wires = new ArrayList<>();

  @BeforeAll
  void start(KafkaBroker kafka) {
    this.kafka = kafka;
    redis = RedisProcess.start();
    cluster = cluster(redis);
    logic = cluster.logic();
    cometA = cluster.comet("comet-a", logic);
    cometB = cluster.comet("comet-b", logic);
    // For the acked test: short resend delays and a small window. Started before Job, so Job knows
    // it from the start, as it knows the others.
    cometAcks =
        cluster.comet(
            "comet-acks",
            logic,
            RoleOptions.yaml(
                yaml ->
                    yaml.set(
                        "delivery",
                        "{ack: {initialDelay: 300ms, maxDelay: 600ms, maxAttempts: 4, window: 8}}")));
    job = cluster.job();
  }

  private HeraldCluster cluster(RedisProcess redis) {
    return new HeraldCluster(
        Backends.of(redis.uri(), kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId())
            .withRegistry(Backends.Registry.FAST));
  }

  @AfterEach
  void closeDevices() {
    devices.forEach(device -> device.client.close());
    devices.clear();
    wires.forEach(WireClient::close);
    wires.clear();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  // ---- stored ----

  @Test
  @Order(1)
  void aDeviceOfflineDuring200StoredPushesGetsThemAllInOrderOnceAndASecondDeviceToo() {
    HeraldCluster.Comet comet = cometA;
    GoimApi api = new GoimApi(logic.url(""));
    long mid = MIDS.incrementAndGet();
    InboxStore phoneStore = new MemoryInboxStore();

    Device phone = device(mid, "phone", phoneStore, comet).started();
    storedPush(api, mid, "first");
    phone.awaitTexts(List.of("first"));
    phone.client.close();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        api.pushMids(List.of(mid), "best effort, to nobody")
                            .get("data")
                            .get("offline")
                            .toString())
                    .as("the user is offline")
                    .contains(String.valueOf(mid)));

    for (int i = 1; i <= 200; i++) {
      JsonNode answer = storedPush(api, mid, "m" + i);
      assertThat(answer.get("data").get("offline").toString()).contains(String.valueOf(mid));
    }

    List<String> expected = new ArrayList<>();
    expected.add("first");
    IntStream.rangeClosed(1, 200).forEach(i -> expected.add("m" + i));
    Device phoneAgain = device(mid, "phone", phoneStore, comet).started();
    phoneAgain.awaitTexts(expected.subList(1, expected.size()));
    Device laptop = device(mid, "laptop", new MemoryInboxStore(), comet).started();
    laptop.awaitTexts(expected);

    // Each device's cursor reached the newest seq on its own.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode cursors =
                  data(api.get("/herald/inbox?mid=" + mid + "&limit=1")).path("cursors");
              // path(): a device whose batched ACK has not reached Logic yet reads as 0
              assertThat(cursors.path("phone").asLong()).as("phone's cursor").isEqualTo(201);
              assertThat(cursors.path("laptop").asLong()).as("laptop's cursor").isEqualTo(201);
            });
    assertThat(phoneAgain.resets).isEmpty();
    assertThat(laptop.resets).isEmpty();
  }

  @Test
  @Order(Integer.MAX_VALUE) // comet A stays dead: the last test on this system
  void killingACometInTheMiddleOf2000StoredPushesLosesNone() throws Exception {
    survivesAKill(logic, cometA, cometB, () -> cometA.process().kill());
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void killingJobInTheMiddleOf2000StoredPushesLosesNone() throws Exception {
    HeraldCluster.Role killed = job;
    survivesAKill(
        logic,
        cometA,
        cometB,
        () -> {
          killed.process().kill();
          job = cluster.job(killed.port(), RoleOptions.DEFAULTS);
        });
  }

  /**
   * 20 users, each with a device on comet A (walking to B when A goes), get 100 stored pushes each,
   * interleaved; {@code kill} runs after 500 of the 2000 were answered. Every device ends with its
   * 100 in order, each once.
   */
  private void survivesAKill(
      HeraldCluster.Logic logic, HeraldCluster.Comet a, HeraldCluster.Comet b, Runnable kill) {
    GoimApi api = new GoimApi(logic.url(""));
    int users = 20;
    int perUser = 100;
    List<Device> group = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      group.add(device(MIDS.incrementAndGet(), "dev", new MemoryInboxStore(), a, b).started());
    }
    for (int n = 1; n <= perUser; n++) {
      for (Device device : group) {
        storedPush(api, device.mid, "n" + n);
      }
      if (n == 500 / users) {
        kill.run();
      }
    }
    List<String> expected = IntStream.rangeClosed(1, perUser).mapToObj(n -> "n" + n).toList();
    for (Device device : group) {
      device.awaitTexts(expected);
    }
    System.out.printf(
        "[delivery] %d stored pushes, a kill after 500: none lost, none twice%n", users * perUser);
  }

  @Test
  @Order(4)
  void retentionOverflowAndALostInboxAreResetsNeverSilentGaps() {
    try (RedisProcess ownRedis = RedisProcess.start();
        HeraldCluster own = cluster(ownRedis)) {
      try {
        retentionOverflowAndALostInboxAreResetsNeverSilentGaps(ownRedis, own);
      } finally {
        closeDevices(); // before their Comet goes
      }
    }
  }

  private void retentionOverflowAndALostInboxAreResetsNeverSilentGaps(
      RedisProcess redis, HeraldCluster cluster) {
    HeraldCluster.Logic logic =
        cluster.logic(RoleOptions.yaml(yaml -> yaml.set("inbox", "{maxCount: 10}")));
    HeraldCluster.Comet comet = cluster.comet("comet-a", logic);
    cluster.job();
    GoimApi api = new GoimApi(logic.url(""));
    long mid = MIDS.incrementAndGet();
    InboxStore store = new MemoryInboxStore();

    Device device = device(mid, "phone", store, comet).started();
    storedPush(api, mid, "r1");
    device.awaitTexts(List.of("r1"));
    device.client.close();
    for (int i = 2; i <= 31; i++) {
      storedPush(api, mid, "r" + i);
    }
    // 31 stored, 10 kept (22..31): the device holds 1, so 2..21 are gone.
    Device again = device(mid, "phone", store, comet).started();
    List<String> kept = IntStream.rangeClosed(22, 31).mapToObj(i -> "r" + i).toList();
    again.awaitTexts(kept);
    assertThat(again.resets).hasSize(1);
    InboxReset overflow = again.resets.get(0);
    assertThat(overflow.oldSeq()).isEqualTo(1);
    assertThat(overflow.oldestSeq()).isEqualTo(22);
    assertThat(overflow.epoch()).isEqualTo(overflow.oldEpoch());

    // The inbox's keys are lost (a flush, a failover without the data): a new epoch.
    try (RedisClient client = RedisClient.create(redis.uri());
        StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = connection.sync().keys("*inbox*" + mid + "*");
      assertThat(keys).as("the user's inbox keys").isNotEmpty();
      connection.sync().del(keys.toArray(String[]::new));
    }
    storedPush(api, mid, "after the loss");
    again.awaitTexts(
        java.util.stream.Stream.concat(kept.stream(), java.util.stream.Stream.of("after the loss"))
            .toList());
    assertThat(again.resets).hasSize(2);
    InboxReset lost = again.resets.get(1);
    assertThat(lost.epoch()).isNotEqualTo(lost.oldEpoch());
    assertThat(lost.oldSeq()).isEqualTo(31);
  }

  // ---- acked ----

  @Test
  @Order(3)
  void ackedPushesAreResentUntilAckedAndANeverAckingClientCostsABoundedWindow() {
    HeraldCluster.Comet comet = cometAcks;
    GoimApi api = new GoimApi(logic.url(""));

    WireClient acking = wire(comet).auth(MIDS.incrementAndGet(), "acking", "");
    long id = ackedPush(api, acking.key(), "please ack");
    List<Received> copies =
        acking.collect(
            frame -> frame.op() == Op.MESSAGE && envelope(frame).messageId() == id,
            Duration.ofMillis(1500));
    assertThat(copies).as("sent, then resent while unacked").hasSizeGreaterThanOrEqualTo(2);
    assertThat(envelope(copies.get(0)).ackRequested()).isTrue();
    acking.send(Op.ACK, 0, ack(AckBody.ofIds(id)));
    acking.collect(frame -> true, Duration.ofMillis(700)); // a resend already queued may pass
    assertThat(
            acking.collect(
                frame -> frame.op() == Op.MESSAGE && envelope(frame).messageId() == id,
                Duration.ofMillis(2000)))
        .as("no resend after the ack")
        .isEmpty();

    WireClient silent = wire(comet).auth(MIDS.incrementAndGet(), "silent", "");
    for (int i = 0; i < 40; i++) {
      ackedPush(api, silent.key(), "never acked " + i);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var metrics = comet.metrics();
              assertThat(metrics.sum("herald_comet_acks_total", "given_up"))
                  .as("given up (window and attempts)")
                  .isGreaterThanOrEqualTo(40);
              assertThat(metrics.sum("herald_comet_acks_pending", "")).as("pending acks").isZero();
            });
    assertThat(silent.isClosed()).as("the connection itself stays").isFalse();
  }

  // ---- goim version 1 ----

  @Test
  @Order(2)
  void aGoimVersion1ClientInTheSameRoomsAndPushesIsUnaffected() {
    HeraldCluster.Comet comet = cometA;
    GoimApi api = new GoimApi(logic.url(""));
    long goimMid = MIDS.incrementAndGet();
    WireClient goim = wire(comet, ProtocolVersion.V1).auth(goimMid, "goim", "live://9");
    long sdkMid = MIDS.incrementAndGet();
    Device sdk = device(sdkMid, "sdk", new MemoryInboxStore(), comet).started();
    sdk.client.joinRoom("live://9").join();

    api.pushRoom("live", "9", "room");
    api.post(
        "/goim/push/mids?operation=1000&store=true&ack=true&mids=" + goimMid + "," + sdkMid,
        "stored and acked");
    api.post(
        "/goim/push/mids?operation=1000&store=true&notify=true&mids=" + goimMid + "," + sdkMid,
        "notified");
    api.post("/goim/push/keys?operation=1000&ack=true&keys=goim", "acked by key");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(goim.texts())
                    .as("each push once, plain (room and unicast pushes take different paths)")
                    .containsExactlyInAnyOrder(
                        "room", "stored and acked", "notified", "acked by key"));
    assertThat(goim.frames())
        .as("no op a goim client cannot parse")
        .noneMatch(frame -> frame.op() == Op.MESSAGE || frame.op() == Op.INBOX_NOTICE);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(sdk.texts)
                    .containsExactlyInAnyOrder("room", "stored and acked", "notified"));
  }

  // ---- helpers ----

  private static JsonNode storedPush(GoimApi api, long mid, String text) {
    JsonNode answer = api.post("/goim/push/mids?operation=1000&store=true&mids=" + mid, text);
    assertThat(answer.get("code").asInt()).as(answer.toString()).isZero();
    return answer;
  }

  private static long ackedPush(GoimApi api, String key, String text) {
    JsonNode answer = api.post("/goim/push/keys?operation=1000&ack=true&keys=" + key, text);
    assertThat(answer.get("code").asInt()).as(answer.toString()).isZero();
    return Long.parseLong(answer.get("data").get("message_id").asText());
  }

  private static JsonNode data(JsonNode answer) {
    return answer.has("data") ? answer.get("data") : answer;
  }

  private static MessageEnvelope envelope(Received frame) {
    return MessageEnvelope.decode(Unpooled.wrappedBuffer(frame.body()));
  }

  private static byte[] ack(AckBody body) {
    ByteBuf encoded = body.encode(ByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(encoded);
    } finally {
      encoded.release();
    }
  }

  private WireClient wire(HeraldCluster.Comet comet) {
    return wire(comet, ProtocolVersion.V2);
  }

  private WireClient wire(HeraldCluster.Comet comet, ProtocolVersion version) {
    WireClient client = WireClient.tcp(comet.tcpPort(), version);
    wires.add(client);
    return client;
  }

  private Device device(long mid, String key, InboxStore store, HeraldCluster.Comet... comets) {
    Device device = new Device(mid, key, store, comets);
    devices.add(device);
    return device;
  }

  /** An SDK client (protocol 2) that keeps the op-1000 texts the application is handed. */
  private static final class Device {
    final long mid;
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<InboxReset> resets = new CopyOnWriteArrayList<>();
    final HeraldClient client;

    Device(long mid, String key, InboxStore store, HeraldCluster.Comet... comets) {
      this.mid = mid;
      client =
          TestDevices.tcp(mid, comets)
              .key(key)
              .inboxStore(store)
              .listener(
                  new HeraldListener() {
                    @Override
                    public void onMessage(Message message) {
                      if (message.op() == 1000) {
                        texts.add(message.text());
                      }
                    }

                    @Override
                    public void onInboxReset(InboxReset reset) {
                      resets.add(reset);
                    }
                  })
              .build();
    }

    Device started() {
      try {
        client.start().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("device " + mid + " did not connect", e);
      }
      return this;
    }

    /** Waits until the application was handed exactly {@code expected}, in order. */
    void awaitTexts(List<String> expected) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(texts)
                      .as("device %d got each once, in order", mid)
                      .hasSizeGreaterThanOrEqualTo(expected.size()));
      assertThat(texts.subList(texts.size() - expected.size(), texts.size()))
          .containsExactlyElementsOf(expected);
      assertThat(texts).doesNotHaveDuplicates();
    }
  }
}
