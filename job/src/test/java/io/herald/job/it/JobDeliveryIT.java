package io.herald.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herald.job.server.JobServer;
import io.herald.job.support.Cluster;
import io.herald.job.support.JobProcess;
import io.herald.job.support.StandInComet;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.search.Search;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job's delivery guarantee with real parts: a Comet that fails for a while gets its records once it
 * recovers; a Job killed with SIGKILL and started again delivers everything it had not; two Jobs
 * share the partitions, and one leaving loses and reorders nothing.
 *
 * <p>comet-c is reached through a {@link StandInComet} in front of its gRPC port (it registers the
 * stand-in's address), which the tests make fail every call with UNAVAILABLE, as a Comet in trouble
 * or a broken network path would.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobDeliveryIT {
  private static final AtomicInteger IDS = new AtomicInteger(9000);

  private Cluster cluster;
  private KafkaBroker kafka;
  private Path dir;
  private String topic;
  private String group;
  private Cluster.Logic logic;
  private Cluster.Comet a;
  private Cluster.Comet c;
  private StandInComet troubled;
  private JobServer job;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka, @TempDir Path dir) {
    this.kafka = kafka;
    this.dir = dir;
    cluster = new Cluster(redis, kafka, dir);
    topic = kafka.newTopic(4);
    group = kafka.newGroupId();
    logic = cluster.logic(topic);
    a = cluster.comet("comet-a", logic, "");
    int grpcPortOfC = FreePorts.next();
    troubled = StandInComet.inFrontOf("comet-c", "127.0.0.1:" + grpcPortOfC);
    cluster.onClose(troubled::close);
    c = cluster.comet("comet-c", logic, troubled.address(), grpcPortOfC);
    job = cluster.job(cluster.jobConfig(topic, group, FreePorts.next()));
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

      troubled.failAll(null);

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThat(onC.texts()).containsExactlyElementsOf(numbered("m", 20)));
      assertThat(counter(job, "herald.job.undeliverable", "reason", "comet_gone")).isZero();
      assertThat(counter(job, "herald.job.undeliverable", "reason", "gave_up")).isZero();
      await().until(() -> gauge(job, "herald.job.consumer.inflight") == 0);
    }
  }

  @Test
  void aJobKilledAndStartedAgainDeliversEverythingItHadNotDelivered() {
    // A Job of its own, in its own JVM, on a topic of its own that a Logic of its own feeds.
    String killTopic = kafka.newTopic(4);
    Cluster.Logic killLogic = cluster.logic(killTopic);
    int port = FreePorts.next();
    Path config = cluster.jobConfig(killTopic, kafka.newGroupId(), port);
    Path log = dir.resolve("job-process.log");
    long user = mid();
    int count = 100;
    try (WireClient onA = a.tcp(ProtocolVersion.V1).auth(user, key("k-a"), "");
        WireClient onC = c.webSocket(ProtocolVersion.V2).auth(user, key("k-c"), "");
        JobProcess first = JobProcess.start(config, port, log).awaitHealthy()) {
      troubled.failAll(Status.UNAVAILABLE);
      int failedBefore = troubled.failed.get();
      for (int i = 0; i < count; i++) {
        killLogic.pushMids("k" + i, user);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(Set.copyOf(onA.texts())).hasSize(count));
      await().until(() -> troubled.failed.get() > failedBefore);

      first.kill();
      troubled.failAll(null);
      assertThat(onC.texts()).as("nothing reached comet-c before the kill").isEmpty();

      JobProcess second = JobProcess.start(config, port, log);
      try {
        second.awaitHealthy();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> assertThat(onC.texts()).containsExactlyElementsOf(numbered("k", count)));
        // comet-a's records may be delivered twice (those completed after the last commit
        // before the kill); none is missing.
        assertThat(Set.copyOf(onA.texts()))
            .containsExactlyInAnyOrderElementsOf(numbered("k", count));
        System.out.printf(
            "Killed Job: comet-c got %d of %d after the restart; comet-a %d deliveries"
                + " (%d duplicates)%n",
            onC.texts().size(), count, onA.texts().size(), onA.texts().size() - count);
      } finally {
        second.close();
      }
    }
  }

  @Test
  void twoJobsShareThePartitionsAndOneLeavingLosesAndReordersNothing() throws Exception {
    JobServer second = cluster.job(cluster.jobConfig(topic, group, FreePorts.next()));
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
