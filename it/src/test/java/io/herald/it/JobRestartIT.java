package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herald.it.support.GoimApi;
import io.herald.job.support.StandInComet;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a Job restart costs, with Job's default group membership settings (a static member of the
 * group, its instance id derived from the host and its port; a 10 s session): every role in a JVM
 * of its own (so a Job can be SIGKILLed), a real Kafka broker and Redis, a real Comet with a client
 * connected, and pushes by mid flowing through a real Logic all along. Every push Logic accepted
 * reaches the client (at least once: duplicates allowed), and the time from the replacement's start
 * (or the stop) to the first delivery of a push sent after the old Job was gone is measured and
 * printed.
 *
 * <p>Pushes to one Comet share one partition (Logic keys them by server id), so exactly one Job
 * delivers them at a time; a push sent after that Job died can only be delivered by its successor.
 * With the partitions' owner stopped, a standby (a second Job owning nothing, and ready) takes
 * over. Of two Jobs consuming a partition each (the group scaled out), one SIGKILLed for good has
 * its partition taken over by the other once its session expires, while the other's own partition
 * keeps flowing. Two Jobs given one instance id by mistake leave the newer consuming and the older
 * fenced, saying so on {@code /health}. And a Job killed while a Comet (comet-c, reached through a
 * {@link StandInComet} that fails every call with UNAVAILABLE) could not be reached delivers, once
 * started again, everything it had not.
 *
 * <p>Each test has a topic, a Logic and Jobs of its own ({@link #roles}); the Comets and the Logic
 * they authenticate with are the class's.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRestartIT {
  private static final AtomicInteger IDS = new AtomicInteger(7000);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A generous bound for a 2-core machine under load; the measured times are far below it. */
  private static final Duration FEW_SECONDS = Duration.ofSeconds(15);

  /** Jobs as the tests start them: quick to start, revoking within 5 s. */
  private static final RoleOptions JOB =
      RoleOptions.yaml(yaml -> yaml.put("kafka", "revokeTimeout", "5s"))
          .withJvm(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));

  private Backends backends;
  private KafkaBroker kafka;
  private HeraldCluster cluster;
  private HeraldCluster.Comet comet;
  private HeraldCluster.Comet a;
  private HeraldCluster.Comet c;
  private StandInComet troubled;

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    this.kafka = kafka;
    backends =
        Backends.of(redis.uri(), kafka.bootstrapServers(), kafka.newTopic(), "")
            .withKeyPrefix(redis.keyPrefix() + "s");
    cluster = new HeraldCluster(backends);
    HeraldCluster.Logic logic = cluster.logic();
    comet = cluster.comet("comet-r", logic);
    a = cluster.comet("comet-a", logic);
    CometPorts portsOfC = CometPorts.free();
    troubled = StandInComet.inFrontOf("comet-c", "127.0.0.1:" + portsOfC.grpc());
    c =
        cluster.comet(
            "comet-c",
            logic,
            portsOfC,
            RoleOptions.yaml(
                yaml ->
                    yaml.set(
                        "node", "{serverId: comet-c, grpcAddress: '" + troubled.address() + "'}")));
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (troubled != null) {
      troubled.close();
    }
  }

  /** Logic and Jobs of a test's own, on a topic of {@code partitions} of its own. */
  private HeraldCluster roles(int partitions) {
    return new HeraldCluster(backends.withTopic(kafka.newTopic(partitions), kafka.newGroupId()));
  }

  private static String key(String name) {
    return name + "-" + IDS.incrementAndGet();
  }

  private static List<String> numbered(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
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
    int port = FreePorts.next();
    long user = IDS.incrementAndGet();
    try (HeraldCluster roles = roles(4);
        WireClient device = comet.tcp(ProtocolVersion.V2).auth(user, "restart-" + user, "");
        PushStream pushes = new PushStream(roles.logic(), user)) {
      HeraldCluster.Role first = roles.job(port, JOB);
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);

      long stopping = System.nanoTime();
      if (crash) {
        first.process().kill();
      } else {
        terminate(first);
      }
      // Pushes sent from now on can only be delivered by the replacement.
      long gone = System.nanoTime();
      long secondStarted = System.nanoTime();
      HeraldCluster.Role second = roles.startJob(port, JOB);
      second.process().awaitOk(second.url("/health"), Duration.ofMinutes(2));
      long ready = System.nanoTime();
      assertThat(body(second, "/health"))
          .as("ready: in the group, with the partitions the first Job had")
          .contains("\"state\":\"consuming\"", "\"partitions\":4");
      long delivered = pushes.awaitFirstDeliverySentAfter(device, gone);
      pushes.stop();
      pushes.awaitAllDelivered(device);

      Duration toFirst = Duration.ofNanos(delivered - secondStarted);
      System.out.printf(
          "Job %s and started again: the old process was gone %s after the signal; the"
              + " replacement was ready %s after its start and delivered its first push %s"
              + " after its start (%s after the signal); %d pushes accepted, all delivered, %d"
              + " duplicates%n",
          crash ? "SIGKILLed" : "stopped with SIGTERM",
          Duration.ofNanos(gone - stopping),
          Duration.ofNanos(ready - secondStarted),
          toFirst,
          Duration.ofNanos(delivered - stopping),
          pushes.accepted(),
          pushes.duplicates(device));
      assertThat(toFirst)
          .as("from the replacement's start to its first delivery")
          .isLessThan(FEW_SECONDS);
    }
  }

  @Test
  void aJobStoppedWithSigtermHandsItsPartitionsToTheOtherJobAtOnce() {
    long user = IDS.incrementAndGet();
    try (HeraldCluster roles = roles(1);
        WireClient device = comet.tcp(ProtocolVersion.V1).auth(user, "planned-" + user, "");
        PushStream pushes = new PushStream(roles.logic(), user)) {
      Group group = ownerAndStandby(roles, device);
      HeraldCluster.Role owner = group.owner();
      HeraldCluster.Role standby = group.standby();

      long stopping = System.nanoTime();
      terminate(owner);
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

  /**
   * Two Jobs consuming at once, each owning one of the topic's two partitions (pushes to comet-r
   * and to comet-a land in different ones), one SIGKILLed while pushes to both flow and never
   * started again: the other goes on delivering its own partition, takes the dead Job's over once
   * its session expires, and every push Logic accepted reaches its device.
   */
  @Test
  void ofTwoJobsSharingThePartitionsOneKilledForGoodLosesNothing() {
    assertThat(Utils.toPositive(Utils.murmur2("comet-r".getBytes(StandardCharsets.UTF_8))) % 2)
        .as("Logic keys unicast by server id: comet-r and comet-a are in different partitions")
        .isNotEqualTo(
            Utils.toPositive(Utils.murmur2("comet-a".getBytes(StandardCharsets.UTF_8))) % 2);
    long onR = IDS.incrementAndGet();
    long onA = IDS.incrementAndGet();
    try (HeraldCluster roles = roles(2);
        WireClient deviceR = comet.tcp(ProtocolVersion.V1).auth(onR, "shared-" + onR, "");
        WireClient deviceA = a.tcp(ProtocolVersion.V2).auth(onA, "shared-" + onA, "");
        PushStream pushes = new PushStream(roles.logic(), onR, onA)) {
      HeraldCluster.Role first = roles.job(JOB);
      HeraldCluster.Role second = roles.job(JOB);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(body(first, "/health")).contains("\"partitions\":1");
                assertThat(body(second, "/health")).contains("\"partitions\":1");
              });
      double firstBefore = pushesDelivered(first);
      double secondBefore = pushesDelivered(second);
      int r = deviceR.messages().size();
      int onCometA = deviceA.messages().size();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(deviceR.messages()).hasSizeGreaterThanOrEqualTo(r + 20);
                assertThat(deviceA.messages()).hasSizeGreaterThanOrEqualTo(onCometA + 20);
                assertThat(pushesDelivered(first))
                    .as("the first Job delivers")
                    .isGreaterThan(firstBefore);
                assertThat(pushesDelivered(second))
                    .as("the second Job delivers")
                    .isGreaterThan(secondBefore);
              });

      long killed = System.nanoTime();
      first.process().kill();
      long deliveredR = pushes.awaitFirstDeliverySentAfter(deviceR, killed);
      long deliveredA = pushes.awaitFirstDeliverySentAfter(deviceA, killed);
      long bothDelivered = System.nanoTime();
      pushes.stop();
      pushes.awaitAllDelivered(deviceR);
      pushes.awaitAllDelivered(deviceA);

      assertThat(body(second, "/health")).contains("\"partitions\":2");
      Duration gap = Duration.ofNanos(Math.max(deliveredR, deliveredA) - killed);
      System.out.printf(
          "Two Jobs consuming a partition each, one SIGKILLed for good: a push sent after the"
              + " kill reached comet-r's device %s and comet-a's %s after it (longest pause"
              + " without a delivery: comet-r %s, comet-a %s); %d pushes accepted (each to both"
              + " devices), all delivered, duplicates: comet-r %d, comet-a %d%n",
          Duration.ofNanos(deliveredR - killed),
          Duration.ofNanos(deliveredA - killed),
          pushes.longestPause(deviceR, killed, bothDelivered),
          pushes.longestPause(deviceA, killed, bothDelivered),
          pushes.accepted(),
          pushes.duplicates(deviceR),
          pushes.duplicates(deviceA));
      // The dead Job's partition waits for its session to expire (kafka.sessionTimeout, 10 s).
      assertThat(gap)
          .as("from the SIGKILL to a delivery on both Comets")
          .isLessThan(Duration.ofSeconds(25));
    }
  }

  /** Pushes the Job has delivered to Comets: PushMsg calls answered OK. */
  private static double pushesDelivered(HeraldCluster.Role job) {
    return job.metrics().value("herald_job_fanout_total", "call", "push", "result", "ok");
  }

  @Test
  void aJobKilledWhileACometFailedDeliversEverythingItHadNotOnceStartedAgain() {
    int port = FreePorts.next();
    long user = IDS.incrementAndGet();
    int count = 100;
    try (HeraldCluster roles = roles(4);
        WireClient onA = a.tcp(ProtocolVersion.V1).auth(user, key("k-a"), "");
        WireClient onC = c.webSocket(ProtocolVersion.V2).auth(user, key("k-c"), "")) {
      GoimApi api = new GoimApi(roles.logic().url(""));
      HeraldCluster.Role first = roles.job(port, JOB);
      troubled.failAll(Status.UNAVAILABLE);
      int failedBefore = troubled.failed.get();
      for (int i = 0; i < count; i++) {
        assertThat(api.pushMids(List.of(user), "k" + i).get("code").asInt()).isZero();
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(Set.copyOf(onA.texts())).hasSize(count));
      await().until(() -> troubled.failed.get() > failedBefore);

      first.process().kill();
      troubled.failAll(null);
      assertThat(onC.texts()).as("nothing reached comet-c before the kill").isEmpty();

      HeraldCluster.Role second = roles.job(port, JOB);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(onC.texts()).containsExactlyElementsOf(numbered("k", count)));
      // comet-a's records may be delivered twice (those completed after the last commit
      // before the kill); none is missing.
      assertThat(Set.copyOf(onA.texts())).containsExactlyInAnyOrderElementsOf(numbered("k", count));
      System.out.printf(
          "Killed Job (%s): comet-c got %d of %d after the restart; comet-a %d deliveries"
              + " (%d duplicates)%n",
          second.process(),
          onC.texts().size(),
          count,
          onA.texts().size(),
          onA.texts().size() - count);
    } finally {
      troubled.failAll(null);
    }
  }

  @Test
  void ofTwoJobsGivenOneInstanceIdTheNewerConsumesAndTheOlderStopsAndSaysWhy() throws Exception {
    String sameId = "job-" + IDS.incrementAndGet();
    RoleOptions sameInstance = JOB.withYaml(yaml -> yaml.put("kafka", "instanceId", sameId));
    long user = IDS.incrementAndGet();
    try (HeraldCluster roles = roles(2);
        WireClient device = comet.tcp(ProtocolVersion.V2).auth(user, "same-" + user, "");
        PushStream pushes = new PushStream(roles.logic(), user)) {
      // Ready once consuming.
      HeraldCluster.Role older = roles.job(sameInstance);
      await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);

      HeraldCluster.Role newer = roles.job(sameInstance);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> body(older, "/health").contains("\"state\":\"fenced\""));
      HttpResponse<String> readiness = get(older.port(), "/health");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("\"state\":\"fenced\"", sameId);
      assertThat(get(older.port(), "/live").statusCode())
          .as("alive: a restart would only fence the other Job in turn")
          .isEqualTo(200);
      assertThat(body(newer, "/health"))
          .as("consuming, as the instance of the configured id")
          .contains("\"state\":\"consuming\"", "\"instanceId\":\"" + sameId + "\"");

      long fenced = System.nanoTime();
      pushes.awaitFirstDeliverySentAfter(device, fenced);
      pushes.stop();
      pushes.awaitAllDelivered(device);
    }
  }

  /** The Job that owns the partitions, and a second one in its group owning none. */
  private record Group(HeraldCluster.Role owner, HeraldCluster.Role standby) {}

  /**
   * Starts a Job, and once pushes reach {@code device} a second one in the same group; returns once
   * pushes still flow and the second is ready owning nothing, so it takes over when the owner goes.
   */
  private static Group ownerAndStandby(HeraldCluster roles, WireClient device) {
    HeraldCluster.Role owner = roles.job(JOB);
    await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= 20);
    HeraldCluster.Role standby = roles.job(JOB);
    int before = device.messages().size();
    await().atMost(Duration.ofSeconds(30)).until(() -> device.messages().size() >= before + 20);
    assertThat(body(standby, "/health"))
        .as("a standby owning nothing is ready: it takes over when the owner goes")
        .contains("\"status\":\"up\"", "\"partitions\":0");
    return new Group(owner, standby);
  }

  private static String body(HeraldCluster.Role job, String path) {
    try {
      return get(job.port(), path).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * SIGTERM, as an orchestrator stops a process: the shutdown hook runs (stop, commit, leave the
   * group). Returns once the process has exited.
   */
  private static void terminate(HeraldCluster.Role job) {
    job.process().stop(Duration.ofSeconds(60));
    assertThat(job.process().alive()).as("exited within 60 s of SIGTERM").isFalse();
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Pushes by mid to users (one request for all) every 20 ms through Logic's HTTP API, remembering
   * each push Logic accepted and when it was sent.
   */
  private static final class PushStream implements AutoCloseable {
    private record Sent(String body, long sentNanos) {}

    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor();
    private final List<Sent> accepted = new CopyOnWriteArrayList<>();

    PushStream(HeraldCluster.Logic logic, Long... users) {
      GoimApi api = new GoimApi(logic.url(""));
      AtomicInteger next = new AtomicInteger();
      var unused =
          pusher.scheduleAtFixedRate(
              () -> {
                String body = "p" + next.getAndIncrement();
                long sent = System.nanoTime();
                try {
                  if (api.pushMids(List.of(users), body).get("code").asInt() == 0) {
                    accepted.add(new Sent(body, sent));
                  }
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
