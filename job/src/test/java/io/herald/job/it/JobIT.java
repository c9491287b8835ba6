package io.herald.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.job.server.JobServer;
import io.herald.job.support.Cluster;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.search.Search;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Job between a real Logic and two real Comets, on a real Kafka topic and a real Redis registry,
 * with real TCP and WebSocket clients: unicast routing, rooms only where they have members, paced
 * broadcasts, and a burst of room messages arriving whole, in order, in batches.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobIT {
  private static final AtomicInteger IDS = new AtomicInteger(5000);

  private Cluster cluster;
  private Cluster.Logic logic;
  private Cluster.Comet a;
  private Cluster.Comet b;
  private JobServer job;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    cluster = new Cluster(redis, kafka);
    String topic = kafka.newTopic(4);
    logic = cluster.logic(topic);
    a = cluster.comet("comet-a", logic, "");
    b = cluster.comet("comet-b", logic, "");
    job = cluster.job(topic, kafka.newGroupId());
    await().atMost(Duration.ofSeconds(30)).until(job::consuming);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static String key(String name) {
    return name + "-" + IDS.incrementAndGet();
  }

  private static long mid() {
    return IDS.incrementAndGet();
  }

  private static String room() {
    return "room" + IDS.incrementAndGet();
  }

  private double jobCounter(String name, String... tags) {
    var counter = Search.in(job.meters()).name(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void healthAndMetricsAreServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.port() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> live =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.port() + "/live")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(job.instanceId()).as("derived: <host name>-<port>").endsWith("-" + job.port());
    assertThat(health.body())
        .contains(
            "\"status\":\"up\"",
            "\"state\":\"consuming\"",
            "\"partitions\":4",
            "\"instanceId\":\"" + job.instanceId() + "\"");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("herald_job_consumer_failures_total")
        .contains("herald_job_records_consumed_total")
        .contains("herald_job_fanout_total")
        .contains("herald_job_consumer_lag")
        .contains("herald_job_room_batch_messages");
  }

  @Test
  void aPushByMidReachesBothDevicesOfTheUserOnDifferentCometsAndNobodyElse() throws Exception {
    long user = mid();
    long other = mid();
    try (WireClient phone = a.tcp(ProtocolVersion.V1).auth(user, key("phone"), "");
        WireClient browser = b.webSocket(ProtocolVersion.V2).auth(user, key("web"), "");
        WireClient otherOnA = a.tcp(ProtocolVersion.V2).auth(other, key("other-a"), "");
        WireClient otherOnB = b.webSocket(ProtocolVersion.V1).auth(other, key("other-b"), "")) {

      logic.pushMids("for the user", user);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(phone.texts()).containsExactly("for the user");
                assertThat(browser.texts()).containsExactly("for the user");
              });
      // The record for each Comet named only the user's key there; a push to the other user,
      // sent after, is the first thing the others receive.
      logic.pushMids("for the other", other);
      await()
          .untilAsserted(
              () -> {
                assertThat(otherOnA.texts()).containsExactly("for the other");
                assertThat(otherOnB.texts()).containsExactly("for the other");
              });
      assertThat(phone.texts()).containsExactly("for the user");
      assertThat(browser.texts()).containsExactly("for the user");
      assertThat(jobCounter("herald.job.undeliverable", "reason", "comet_gone")).isZero();
    }
  }

  @Test
  void aRoomPushReachesItsMembersOnBothCometsAndIsNotSentToACometWithoutMembers() {
    String shared = room();
    String onlyA = room();
    try (WireClient memberA = a.tcp(ProtocolVersion.V1).auth(mid(), key("ma"), "live://" + shared);
        WireClient memberB =
            b.webSocket(ProtocolVersion.V2).auth(mid(), key("mb"), "live://" + shared);
        WireClient loneMember =
            a.tcp(ProtocolVersion.V2).auth(mid(), key("lone"), "live://" + onlyA);
        WireClient outsiderB =
            b.tcp(ProtocolVersion.V1).auth(mid(), key("out"), "live://elsewhere")) {
      // No wait: a member is reached by every room push accepted after its AUTH was answered.
      job.dispatcher().idle().join(); // calls of earlier tests still completing
      double roomCalls = jobCounter("herald.job.fanout", "call", "room", "result", "ok");

      logic.pushRoom(shared, "to both");
      await()
          .untilAsserted(
              () -> {
                assertThat(memberA.texts()).containsExactly("to both");
                assertThat(memberB.texts()).containsExactly("to both");
              });
      job.dispatcher().idle().join();
      assertThat(jobCounter("herald.job.fanout", "call", "room", "result", "ok"))
          .as("one BroadcastRoom per Comet holding members")
          .isEqualTo(roomCalls + 2);

      logic.pushRoom(onlyA, "to a only");
      await().untilAsserted(() -> assertThat(loneMember.texts()).containsExactly("to a only"));
      job.dispatcher().idle().join();
      assertThat(jobCounter("herald.job.fanout", "call", "room", "result", "ok"))
          .as("comet-b, without members of the room, was not called")
          .isEqualTo(roomCalls + 3);
      assertThat(outsiderB.texts()).isEmpty();
      assertThat(memberB.texts()).containsExactly("to both");
    }
  }

  @Test
  void aBroadcastWithASpeedLimitIsPacedAcrossBothComets() {
    List<WireClient> devices = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        devices.add(a.tcp(ProtocolVersion.V1).auth(mid(), key("bca"), ""));
        devices.add(b.webSocket(ProtocolVersion.V2).auth(mid(), key("bcb"), ""));
      }

      // 12 connections at 10 per second cluster-wide: the last is written at least ~0.8 s after
      // the first, however the speed is split between the Comets (each gets at least 1/s).
      logic.pushAll(10, "everyone, slowly");

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(devices)
                      .allSatisfy(d -> assertThat(d.texts()).containsExactly("everyone, slowly")));
      long first =
          devices.stream().mapToLong(d -> d.messages().get(0).arrivedNanos()).min().orElseThrow();
      long last =
          devices.stream().mapToLong(d -> d.messages().get(0).arrivedNanos()).max().orElseThrow();
      assertThat(Duration.ofNanos(last - first)).isGreaterThan(Duration.ofMillis(600));
      assertThat(jobCounter("herald.job.fanout", "call", "broadcast", "result", "ok")).isEqualTo(2);
    } finally {
      devices.forEach(WireClient::close);
    }
  }

  @Test
  void aThousandRoomMessagesInABurstArriveWholeInOrderAndInBatches() throws Exception {
    String room = room();
    try (WireClient tcpV1 = a.tcp(ProtocolVersion.V1).auth(mid(), key("b1"), "live://" + room);
        WireClient wsV2 = a.webSocket(ProtocolVersion.V2).auth(mid(), key("b2"), "live://" + room);
        WireClient onB = b.tcp(ProtocolVersion.V2).auth(mid(), key("b3"), "live://" + room)) {
      double batchesBefore = batches();

      // Ten backends push 100 messages each, each waiting for Logic's answer before its next:
      // each backend's messages are queued in order, the ten interleave.
      int senders = 10;
      int perSender = 100;
      ExecutorService backends = Executors.newFixedThreadPool(senders);
      try {
        List<Future<?>> sent = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
          int sender = s;
          sent.add(
              backends.submit(
                  () -> {
                    for (int n = 0; n < perSender; n++) {
                      logic.pushRoom(room, sender + ":" + n);
                    }
                  }));
        }
        for (Future<?> f : sent) {
          f.get();
        }
      } finally {
        backends.shutdownNow();
      }

      for (WireClient device : List.of(tcpV1, wsV2, onB)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(device.texts()).hasSize(senders * perSender));
        List<String> texts = device.texts();
        assertThat(Set.copyOf(texts)).as("each message once").hasSize(senders * perSender);
        Map<String, List<Integer>> bySender = new HashMap<>();
        for (String text : texts) {
          int colon = text.indexOf(':');
          bySender
              .computeIfAbsent(text.substring(0, colon), s -> new ArrayList<>())
              .add(Integer.parseInt(text.substring(colon + 1)));
        }
        assertThat(bySender).hasSize(senders);
        bySender.forEach(
            (sender, numbers) ->
                assertThat(numbers)
                    .as("sender %s's messages in order", sender)
                    .containsExactlyElementsOf(IntStream.range(0, perSender).boxed().toList()));
      }
      // On WebSocket an op-9 batch is one binary message the client unpacks (on TCP the Comet
      // writes the batched frames back to back, as goim does, so a TCP client cannot tell).
      assertThat(wsV2.messages().stream().filter(Received::batched).count())
          .as("messages that reached the WebSocket client inside op-9 batches")
          .isPositive();
      double batches = batches() - batchesBefore;
      assertThat(batches).as("BroadcastRoom calls per Comet").isLessThan(senders * perSender);
      assertThat(Search.in(job.meters()).name("herald.job.room.batch.messages").summary().max())
          .isGreaterThan(1);
    }
  }

  private double batches() {
    return Search.in(job.meters()).name("herald.job.room.batch.messages").summary().count();
  }
}
