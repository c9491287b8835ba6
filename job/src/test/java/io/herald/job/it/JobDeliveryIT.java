package io.herald.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.herald.job.server.JobServer;
import io.herald.job.support.Cluster;
import io.herald.job.support.StandInComet;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.search.Search;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Job's delivery guarantee with real parts: a Comet that fails for a while gets its records once it
 * recovers; two Jobs share the partitions, and one leaving loses and reorders nothing. (A Job
 * killed with SIGKILL and started again is {@code it}'s JobRestartIT: Jobs in processes of their
 * own.)
 *
 * <p>comet-c is reached through a {@link StandInComet} in front of its gRPC port (it registers the
 * stand-in's address), which the tests make fail every call with UNAVAILABLE, as a Comet in trouble
 * or a broken network path would. The records that queue for it meanwhile reach the real Comet in
 * {@code PushMsgs} calls once it recovers.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobDeliveryIT {
  private static final AtomicInteger IDS = new AtomicInteger(9000);

  private Cluster cluster;
  private String topic;
  private String group;
  private Cluster.Logic logic;
  private Cluster.Comet a;
  private Cluster.Comet c;
  private StandInComet troubled;
  private JobServer job;
  private KafkaBroker kafka;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    this.kafka = kafka;
    cluster = new Cluster(redis, kafka);
    topic = kafka.newTopic(4);
    group = kafka.newGroupId();
    logic = cluster.logic(topic);
    a = cluster.comet("comet-a", logic, "");
    int grpcPortOfC = FreePorts.next();
    troubled = StandInComet.inFrontOf("comet-c", "127.0.0.1:" + grpcPortOfC);
    cluster.onClose(troubled::close);
    c = cluster.comet("comet-c", logic, troubled.address(), grpcPortOfC);
    job = cluster.job(topic, group);
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

  private static List<String> numbered(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  private static double counter(JobServer server, String name, String... tags) {
    var counter = Search.in(server.meters()).name(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double gauge(JobServer server, String name, String... tags) {
    var gauge = Search.in(server.meters()).name(name).tags(tags).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  @Test
  void aCometThatFailsForAWhileGetsItsRecordsOnceItRecovers() {
    long user = mid();
    try (WireClient onA = a.tcp(ProtocolVersion.V2).auth(user, key("ok"), "");
        WireClient onC = c.webSocket(ProtocolVersion.V2).auth(user, key("troubled"), "")) {
      troubled.failAll(Status.UNAVAILABLE);
      int failedBefore = troubled.failed.get();

      for (int i = 0; i < 20; i++) {
        logic.pushMids("m" + i, user);
      }

      // The healthy Comet is not held back; the troubled one's records wait, not committed.
      await()
          .untilAsserted(
              () -> assertThat(onA.texts()).containsExactlyElementsOf(numbered("m", 20)));
      await().until(() -> troubled.failed.get() >= failedBefore + 3);
      assertThat(counter(job, "herald.job.fanout.retries", "call", "push")).isPositive();
      assertThat(gauge(job, "herald.job.consumer.inflight")).isPositive();
      assertThat(onC.texts()).isEmpty();

      int batchesBefore = troubled.batches.size();
      troubled.failAll(null);

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThat(onC.texts()).containsExactlyElementsOf(numbered("m", 20)));
      assertThat(troubled.batches.size())
          .as("the records queued behind the failing call went to the Comet in PushMsgs")
          .isGreaterThan(batchesBefore);
      assertThat(counter(job, "herald.job.undeliverable", "reason", "comet_gone")).isZero();
      assertThat(counter(job, "herald.job.undeliverable", "reason", "gave_up")).isZero();
      await().until(() -> gauge(job, "herald.job.consumer.inflight") == 0);
    }
  }

  @Test
  void aPushTheCometRefusesInAPushMsgsIsSkippedAloneAndTheOthersReachTheClient() {
    long user = mid();
    String device = key("batched");
    try (WireClient onC = c.tcp(ProtocolVersion.V2).auth(user, device, "")) {
      troubled.failAll(Status.UNAVAILABLE);
      double mids = counter(job, "herald.job.records.consumed", "type", "mids");
      double keys = counter(job, "herald.job.records.consumed", "type", "keys");
      double rejected = counter(job, "herald.job.undeliverable", "reason", "rejected");
      logic.pushMids("g0", user);
      logic.pushMids("g1", user);
      // A record the Comet refuses (an inbox seq without its epoch), queued among good ones.
      produce(
          PushMsg.newBuilder()
              .setType(PushType.PUSH_TYPE_KEYS)
              .setServerId("comet-c")
              .addKeys(device)
              .setOp(1000)
              .setBody(ByteString.copyFromUtf8("refused"))
              .setInboxSeq(5)
              .setAcceptUnixMs(System.currentTimeMillis())
              .build());
      logic.pushMids("g2", user);
      logic.pushMids("g3", user);
      // All five wait in comet-c's lane behind the failing call: they go in one PushMsgs.
      await()
          .until(
              () ->
                  counter(job, "herald.job.records.consumed", "type", "mids") >= mids + 4
                      && counter(job, "herald.job.records.consumed", "type", "keys") >= keys + 1);
      troubled.failAll(null);

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(onC.texts()).containsExactly("g0", "g1", "g2", "g3"));
      await()
          .untilAsserted(
              () ->
                  assertThat(counter(job, "herald.job.undeliverable", "reason", "rejected"))
                      .isEqualTo(rejected + 1));
      assertThat(troubled.batches)
          .as("the refused push went in a PushMsgs with others")
          .anySatisfy(
              batch ->
                  assertThat(batch.getPushesList())
                      .extracting(push -> push.getBody().toStringUtf8())
                      .contains("refused", "g3"));
      await().until(() -> gauge(job, "herald.job.consumer.inflight") == 0);
    }
  }

  private void produce(PushMsg msg) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      var unused =
          producer.send(
              new ProducerRecord<>(
                  topic, msg.getServerId().getBytes(StandardCharsets.UTF_8), msg.toByteArray()));
      producer.flush();
    }
  }

  @Test
  void twoJobsShareThePartitionsAndOneLeavingLosesAndReordersNothing() throws Exception {
    JobServer second = cluster.job(topic, group);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gauge(second, "herald.job.consumer.partitions", "state", "assigned") > 0
                    && gauge(job, "herald.job.consumer.partitions", "state", "assigned") > 0);
    double consumedByFirst = counter(job, "herald.job.records.consumed", "type", "room");
    int rooms = 8;
    int perRoom = 60;
    List<WireClient> members = new ArrayList<>();
    ExecutorService backends = Executors.newFixedThreadPool(rooms);
    try {
      List<String> roomIds = new ArrayList<>();
      for (int r = 0; r < rooms; r++) {
        String room = "share" + IDS.incrementAndGet();
        roomIds.add(room);
        members.add(a.tcp(ProtocolVersion.V1).auth(mid(), key("member"), "live://" + room));
      }
      // No wait: a member is reached by every room push accepted after its AUTH was answered.
      CountDownLatch underWay = new CountDownLatch(rooms);
      List<Future<?>> sent = new ArrayList<>();
      for (String room : roomIds) {
        sent.add(
            backends.submit(
                () -> {
                  for (int n = 0; n < perRoom; n++) {
                    logic.pushRoom(room, "s" + n);
                    if (n == perRoom / 3) {
                      underWay.countDown();
                    }
                  }
                }));
      }
      assertThat(underWay.await(30, TimeUnit.SECONDS)).isTrue();
      double consumedBySecond = counter(second, "herald.job.records.consumed", "type", "room");
      second.stop(); // leaves the group: its partitions move to the first Job mid-stream
      for (Future<?> f : sent) {
        f.get();
      }

      for (WireClient member : members) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> assertThat(member.texts()).containsExactlyElementsOf(numbered("s", perRoom)));
      }
      assertThat(consumedBySecond).as("the second Job took its share").isPositive();
      assertThat(counter(job, "herald.job.records.consumed", "type", "room") - consumedByFirst)
          .as("the first Job took its share, and the second's after it left")
          .isPositive();
    } finally {
      backends.shutdownNow();
      members.forEach(WireClient::close);
    }
  }
}
