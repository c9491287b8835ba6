package io.herald.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.job.server.JobServer;
import io.herald.job.support.Cluster;
import io.herald.job.support.JobProcess;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Job restart costs, with Job's default group membership settings (a static member of the
 * group, its instance id derived from the host and its port; a 10 s session): Jobs in JVMs of their
 * own (so they can be SIGKILLed), a real Kafka broker and Redis, a real Comet with a client
 * connected, and pushes by mid flowing through a real Logic all along. Every push Logic accepted
 * reaches the client (at least once: duplicates allowed), and the time from the replacement's start
 * (or the stop) to the first delivery of a push sent after the old Job was gone is measured and
 * printed.
 *
 * <p>Pushes to one Comet share one partition (Logic keys them by server id), so exactly one Job
 * delivers them at a time; a push sent after that Job died can only be delivered by its successor.
 * With the partitions' owner gone, a standby (a second Job owning nothing, and ready) takes over.
 * Two Jobs given one instance id by mistake leave the newer consuming and the older fenced, saying
 * so on {@code /health}.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRestartIT {
  private static final AtomicInteger IDS = new AtomicInteger(7000);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A generous bound for a 2-core machine under load; the measured times are far below it. */
  private static final Duration FEW_SECONDS = Duration.ofSeconds(15);

  private Cluster cluster;
  private KafkaBroker kafka;
  private Path dir;
  private Cluster.Comet comet;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka, @TempDir Path dir) {
    this.kafka = kafka;
    this.dir = dir;
    cluster = new Cluster(redis, kafka, dir);
    comet = cluster.comet("comet-r", cluster.logic(kafka.newTopic()), "");
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void aJobKilledAndStartedAgainDeliversWithinSecondsAndLosesNothing() {
    restart(true);
  }

  @Test
  void aJobStoppedAndStartedAgainDeliversWithinSecondsAndLosesNothing() {
    restart(false);
  }

  /** The only Job of its group SIGKILLed ({@code crash}) or SIGTERMed, then started again. */
  private void restart(boolean crash) {
    String topic = kafka.newTopic(4);
    Cluster.Logic logic = cluster.logic(topic);
    int port = FreePorts.next();
    Path config = cluster.jobConfig(topic, kafka.newGroupId(), port);
    long user = IDS.incrementAndGet();
    try (WireClient device = comet.tcp(ProtocolVersion.V2).auth(user, "restart-" + user, "");
        JobProcess first = JobProcess.start(config, port, log("restart")).awaitHealthy();
        PushStream pushes = new PushStream(logic, user)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);

      long stopping = System.nanoTime();
      if (crash) {
        first.kill();
      } else {
        first.terminate();
      }
      // Pushes sent from now on can only be delivered by the replacement.
      long gone = System.nanoTime();
      try (JobProcess second = JobProcess.start(config, port, log("restart"))) {
        second.awaitHealthy(Duration.ofMinutes(2));
        long ready = System.nanoTime();
        assertThat(body(second, "/health"))
            .as("ready: in the group, with the partitions the first Job had")
            .contains("\"state\":\"consuming\"", "\"partitions\":4");
        long delivered = pushes.awaitFirstDeliverySentAfter(device, gone);
        pushes.stop();
        pushes.awaitAllDelivered(device);

        Duration toFirst = Duration.ofNanos(delivered - second.startedNanos());
        System.out.printf(
            "Job %s and started again: the old process was gone %s after the signal; the"
                + " replacement was ready %s after its start and delivered its first push %s"
                + " after its start (%s after the signal); %d pushes accepted, all delivered, %d"
                + " duplicates%n",
            crash ? "SIGKILLed" : "stopped with SIGTERM",
            Duration.ofNanos(gone - stopping),
            Duration.ofNanos(ready - second.startedNanos()),
            toFirst,
            Duration.ofNanos(delivered - stopping),
            pushes.accepted(),
            pushes.duplicates(device));
        assertThat(toFirst)
            .as("from the replacement's start to its first delivery")
            .isLessThan(FEW_SECONDS);
      }
    }
  }

  @Test
  void aJobStoppedWithSigtermHandsItsPartitionsToTheOtherJobAtOnce() {
    String topic = kafka.newTopic(1);
    Cluster.Logic logic = cluster.logic(topic);
    String group = kafka.newGroupId();
    int portA = FreePorts.next();
    int portB = FreePorts.next();
    long user = IDS.incrementAndGet();
    try (WireClient device = comet.tcp(ProtocolVersion.V1).auth(user, "planned-" + user, "");
        JobProcess owner =
            JobProcess.start(cluster.jobConfig(topic, group, portA), portA, log("planned"))
                .awaitHealthy();
        PushStream pushes = new PushStream(logic, user)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);
      try (JobProcess standby =
          JobProcess.start(cluster.jobConfig(topic, group, portB), portB, log("planned"))
              .awaitHealthy()) {
        int before = device.messages().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= before + 20);
        assertThat(body(standby, "/health"))
            .as("a standby owning nothing is ready: it takes over when the owner goes")
            .contains("\"status\":\"up\"", "\"partitions\":0");

        long stopping = System.nanoTime();
        owner.terminate();
        long exited = System.nanoTime();
        long delivered = pushes.awaitFirstDeliverySentAfter(device, exited);
        pushes.stop();
        pushes.awaitAllDelivered(device);

        assertThat(body(standby, "/health")).contains("\"partitions\":1");
        Duration pause = pushes.longestPause(device, stopping, delivered);
        System.out.printf(
            "Job stopped with SIGTERM, a second Job in the group: deliveries paused at most %s;"
                + " the stopped process exited %s after the SIGTERM, and the second Job delivered"
                + " a push sent after that %s after the SIGTERM; %d pushes accepted, all"
                + " delivered, %d duplicates%n",
            pause,
            Duration.ofNanos(exited - stopping),
            Duration.ofNanos(delivered - stopping),
            pushes.accepted(),
            pushes.duplicates(device));
        assertThat(pause)
            .as("the longest time without a delivery from the SIGTERM on")
            .isLessThan(FEW_SECONDS);
      }
    }
  }

  @Test
  void aJobKilledForGoodHasItsPartitionsTakenOverAfterTheSessionTimeout() {
    String topic = kafka.newTopic(1);
    Cluster.Logic logic = cluster.logic(topic);
    String group = kafka.newGroupId();
    int portA = FreePorts.next();
    int portB = FreePorts.next();
    long user = IDS.incrementAndGet();
    try (WireClient device = comet.tcp(ProtocolVersion.V1).auth(user, "takeover-" + user, "");
        JobProcess owner =
            JobProcess.start(cluster.jobConfig(topic, group, portA), portA, log("takeover"))
                .awaitHealthy();
        PushStream pushes = new PushStream(logic, user)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);
      try (JobProcess standby =
          JobProcess.start(cluster.jobConfig(topic, group, portB), portB, log("takeover"))
              .awaitHealthy()) {
        int before = device.messages().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= before + 20);

        assertThat(body(standby, "/health")).contains("\"status\":\"up\"", "\"partitions\":0");

        long killed = System.nanoTime();
        owner.kill();
        long delivered = pushes.awaitFirstDeliverySentAfter(device, killed);
        pushes.stop();
        pushes.awaitAllDelivered(device);

        Duration gap = Duration.ofNanos(delivered - killed);
        System.out.printf(
            "Job SIGKILLed for good, a second Job in the group: the second Job delivered a push"
                + " sent after the kill %s after it; %d pushes accepted, all delivered,"
                + " %d duplicates%n",
            gap, pushes.accepted(), pushes.duplicates(device));
        // The dead Job's partitions wait for its session to expire (kafka.sessionTimeout, 10 s).
        assertThat(gap)
            .as("from the SIGKILL to the other Job's first delivery")
            .isLessThan(Duration.ofSeconds(25));
      }
    }
  }

  @Test
  void ofTwoJobsGivenOneInstanceIdTheNewerConsumesAndTheOlderStopsAndSaysWhy() throws Exception {
    String topic = kafka.newTopic(2);
    Cluster.Logic logic = cluster.logic(topic);
    String group = kafka.newGroupId();
    String sameId = "job-" + IDS.incrementAndGet();
    long user = IDS.incrementAndGet();
    JobServer older =
        cluster.job(cluster.jobConfig(topic, group, FreePorts.next(), "instanceId: " + sameId));
    try (WireClient device = comet.tcp(ProtocolVersion.V2).auth(user, "same-" + user, "");
        PushStream pushes = new PushStream(logic, user)) {
      await().atMost(Duration.ofSeconds(30)).until(older::consuming);
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);

      JobServer newer =
          cluster.job(cluster.jobConfig(topic, group, FreePorts.next(), "instanceId: " + sameId));

      await().atMost(Duration.ofSeconds(30)).until(() -> "fenced".equals(older.state()));
      HttpResponse<String> readiness = get(older.port(), "/health");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("\"state\":\"fenced\"", sameId);
      assertThat(get(older.port(), "/live").statusCode())
          .as("alive: a restart would only fence the other Job in turn")
          .isEqualTo(200);
      assertThat(newer.consuming()).isTrue();
      assertThat(newer.instanceId()).isEqualTo(sameId);

      long fenced = System.nanoTime();
      pushes.awaitFirstDeliverySentAfter(device, fenced);
      pushes.stop();
      pushes.awaitAllDelivered(device);
    }
  }

  private static String body(JobProcess job, String path) {
    try {
      return job.get(path).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path log(String name) {
    return dir.resolve("job-" + name + ".log");
  }

  /**
   * Pushes by mid to one user every 20 ms through Logic's gRPC API, remembering each push Logic
   * accepted and when it was sent.
   */
  private static final class PushStream implements AutoCloseable {
    private record Sent(String body, long sentNanos) {}

    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor();
    private final List<Sent> accepted = new CopyOnWriteArrayList<>();

    PushStream(Cluster.Logic logic, long user) {
      AtomicInteger next = new AtomicInteger();
      var unused =
          pusher.scheduleAtFixedRate(
              () -> {
                String body = "p" + next.getAndIncrement();
                long sent = System.nanoTime();
                try {
                  logic.pushMids(body, user);
                  accepted.add(new Sent(body, sent));
                } catch (RuntimeException e) {
                  // not accepted: nothing is promised for it
                }
              },
              0,
              20,
              TimeUnit.MILLISECONDS);
    }

    int accepted() {
      return accepted.size();
    }

    /**
     * Waits for the first push sent after {@code nanos} to reach {@code device}, and returns when
     * the first of them arrived.
     */
    long awaitFirstDeliverySentAfter(WireClient device, long nanos) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> firstArrival(device, nanos).isPresent());
      return firstArrival(device, nanos).getAsLong();
    }

    private OptionalLong firstArrival(WireClient device, long nanos) {
      Set<String> later =
          accepted.stream()
              .filter(sent -> sent.sentNanos() > nanos)
              .map(Sent::body)
              .collect(Collectors.toSet());
      return device.messages().stream()
          .filter(message -> later.contains(message.text()))
          .mapToLong(Received::arrivedNanos)
          .min();
    }

    /**
     * The longest time between {@code from} and {@code to} with no new push reaching {@code device}
     * (a push every 20 ms is sent all along).
     */
    Duration longestPause(WireClient device, long from, long to) {
      Set<String> seen = new HashSet<>();
      long last = from;
      long longest = 0;
      for (Received message : device.messages()) {
        if (!seen.add(message.text()) || message.arrivedNanos() < from) {
          continue;
        }
        long at = Math.min(message.arrivedNanos(), to);
        longest = Math.max(longest, at - last);
        last = at;
      }
      return Duration.ofNanos(Math.max(longest, to - last));
    }

    void stop() {
      pusher.shutdown();
      try {
        assertThat(pusher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits until every accepted push has reached {@code device}, at least once. */
    void awaitAllDelivered(WireClient device) {
      List<String> bodies = accepted.stream().map(Sent::body).toList();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(Set.copyOf(device.texts())).containsAll(bodies));
    }

    int duplicates(WireClient device) {
      List<String> texts = device.texts();
      return texts.size() - Set.copyOf(texts).size();
    }

    @Override
    public void close() {
      pusher.shutdownNow();
    }
  }
}
