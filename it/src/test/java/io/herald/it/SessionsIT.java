package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.it.support.GoimApi;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions across the roles' processes — Logic and Comets each in a JVM of its own, on a Redis of
 * the test's own and a real Kafka broker — under what clients and operators do to them: devices
 * that reconnect before their old connection is gone, a Comet killed outright, a Redis that comes
 * back empty, a Redis that hangs. Each test measures how long the system takes to be right again
 * and prints it (the "what happens when" table of docs/operations.md quotes these runs).
 */
@RealRedis
@RealKafka
class SessionsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicLong MIDS = new AtomicLong(10_000);

  /** How soon the system must be right again after Redis comes back empty. */
  private static final Duration WITHIN_SECONDS = Duration.ofSeconds(15);

  private RedisProcess redis;
  private KafkaBroker kafka;
  private HeraldCluster cluster;
  private final List<WireClient> clients = new ArrayList<>();

  @BeforeEach
  void start(KafkaBroker kafka) {
    this.kafka = kafka;
    redis = RedisProcess.start();
    cluster = cluster(Backends.Registry.FAST);
  }

  private HeraldCluster cluster(Backends.Registry registry) {
    return new HeraldCluster(
        Backends.of(redis.uri(), kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId())
            .withRegistry(registry));
  }

  @AfterEach
  void stop() {
    clients.forEach(WireClient::close);
    cluster.close();
    redis.close();
  }

  private WireClient client(HeraldCluster.Comet comet) {
    WireClient client = WireClient.tcp(comet.tcpPort(), ProtocolVersion.V2);
    clients.add(client);
    return client;
  }

  /** The mids a push to {@code mids} reports offline. */
  private static List<Long> offline(GoimApi api, List<Long> mids) {
    JsonNode answer = api.pushMids(mids, "probe");
    assertThat(answer.get("code").asInt()).as(answer.toString()).isZero();
    List<Long> offline = new ArrayList<>();
    answer.get("data").get("offline").forEach(mid -> offline.add(mid.asLong()));
    return offline;
  }

  private static void report(String what, long millis) {
    System.out.printf("[what happens when] %s: %d ms%n", what, millis);
  }

  /**
   * The bug found by operators: a device opens its new connection to the same Comet and closes the
   * old one before the new one is answered (mobile clients and the Java SDK do); the old one's
   * Disconnect reached Logic after the new one's Connect and removed the new session's entry, so
   * 251 to 300 of 300 devices stayed connected but unreachable by mid.
   */
  @Test
  void devicesThatReconnectBeforeTheirOldConnectionCloseStayReachableByMid() {
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet comet = cluster.comet("comet-a", logic);
    cluster.job();
    int devices = 300;
    List<Long> mids =
        LongStream.range(0, devices).map(i -> MIDS.incrementAndGet()).boxed().toList();

    List<WireClient> fresh = new ArrayList<>();
    List<CompletableFuture<WireClient>> answered = new ArrayList<>();
    for (long mid : mids) {
      WireClient old = client(comet).auth(mid, "device-" + mid, "");
      WireClient again = client(comet);
      answered.add(again.authAsync(mid, "device-" + mid, ""));
      old.close();
      fresh.add(again);
    }
    answered.forEach(CompletableFuture::join);

    GoimApi api = new GoimApi(logic.url(""));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(offline(api, mids)).as("offline mids").isEmpty());
    api.pushMids(mids, "to every device");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(fresh)
                    .as("devices that got the push by mid")
                    .allMatch(client -> client.texts().contains("to every device")));
  }

  /**
   * A Comet killed outright (SIGKILL) cannot remove its sessions; they stayed "online" for the
   * session TTL (15 min), and pushes to them were answered code 0 and dropped. Logic now purges a
   * Comet's sessions when its registry record expires.
   */
  @Test
  void theUsersOfAKilledCometAreOfflineOnceItsRecordExpires() {
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet survivor = cluster.comet("comet-a", logic);
    HeraldCluster.Comet doomed = cluster.comet("comet-b", logic);
    List<Long> onDoomed = new ArrayList<>();
    List<Long> onSurvivor = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long a = MIDS.incrementAndGet();
      client(survivor).auth(a, "", "");
      onSurvivor.add(a);
      long b = MIDS.incrementAndGet();
      client(doomed).auth(b, "", "");
      onDoomed.add(b);
    }
    GoimApi api = new GoimApi(logic.url(""));
    assertThat(offline(api, onDoomed)).isEmpty();

    long killedAt = System.nanoTime();
    doomed.process().kill();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> assertThat(offline(api, onDoomed)).containsExactlyInAnyOrderElementsOf(onDoomed));
    report("Comet killed -> its users offline (registry TTL 3 s)", millisSince(killedAt));

    assertThat(offline(api, onSurvivor)).isEmpty();
  }

  /**
   * Redis restarted without its data: every session, online report, room entry and registry record
   * is gone. The Comets notice (their own record is missing; the session store's incarnation
   * changed) and re-announce their records and their connections' sessions within seconds, where
   * clients used to stay unreachable by mid for up to 5 minutes and the Balancer to offer no node
   * for 8 to 10 s.
   */
  @Test
  void afterRedisComesBackEmptyTheCometsReannounceEverythingWithinSeconds() {
    // Records renewed only every minute: a Comet must notice its record is gone, not wait for it.
    cluster.close();
    cluster = cluster(new Backends.Registry("3m", "1m", "500ms"));
    HeraldCluster.Logic logic = cluster.logic();
    List<HeraldCluster.Comet> comets =
        List.of(cluster.comet("comet-a", logic), cluster.comet("comet-b", logic));
    cluster.job();
    HeraldCluster.Role balancer = cluster.balancer();
    List<Long> mids = new ArrayList<>();
    List<WireClient> devices = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long mid = MIDS.incrementAndGet();
      devices.add(client(comets.get(i % 2)).auth(mid, "", ""));
      mids.add(mid);
    }
    GoimApi api = new GoimApi(logic.url(""));
    GoimApi nodes = new GoimApi(balancer.url(""));
    assertThat(offline(api, mids)).isEmpty();

    redis.kill();
    redis.restart();
    long restartedAt = System.nanoTime();

    try (RedisClient client = RedisClient.create(redis.uri());
        StatefulRedisConnection<String, String> connection = client.connect()) {
      await()
          .atMost(WITHIN_SECONDS)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  connection.sync().exists(record("comet-a"), record("comet-b")) == 2
                      && nodes.get("/nodes").get("nodes").size() == 2);
    }
    report("Redis restarted empty -> every Comet registered again", millisSince(restartedAt));
    await()
        .atMost(WITHIN_SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(offline(api, mids)).isEmpty());
    report("Redis restarted empty -> every user reachable by mid", millisSince(restartedAt));

    api.pushMids(mids, "after the flood");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(devices).allMatch(d -> d.texts().contains("after the flood")));
  }

  /**
   * Logic's readiness says what it cannot do: a frozen (SIGSTOP) or stopped Redis makes it unready
   * with the reason, while its liveness stays up; it is ready again once Redis answers.
   */
  @Test
  void logicIsUnreadyWhileRedisHangsOrIsDownAndSaysWhy() {
    HeraldCluster.Logic logic = cluster.logic();
    GoimApi api = new GoimApi(logic.url(""));

    redis.freeze();
    long frozenAt = System.nanoTime();
    await().atMost(WAIT).until(() -> HeraldProcess.status(logic.url("/ready")) == 503);
    report("Redis frozen -> Logic unready", millisSince(frozenAt));
    assertThat(api.get("/ready").get("checks").get("session_store").asText()).startsWith("down:");
    assertThat(HeraldProcess.status(logic.url("/live"))).isEqualTo(200);
    redis.thaw();
    long thawedAt = System.nanoTime();
    await().atMost(WAIT).until(() -> HeraldProcess.status(logic.url("/ready")) == 200);
    report("Redis thawed -> Logic ready", millisSince(thawedAt));

    redis.kill();
    await().atMost(WAIT).until(() -> HeraldProcess.status(logic.url("/ready")) == 503);
    assertThat(HeraldProcess.status(logic.url("/live"))).isEqualTo(200);
    redis.restart();
    long restartedAt = System.nanoTime();
    await().atMost(WAIT).until(() -> HeraldProcess.status(logic.url("/ready")) == 200);
    report("Redis restarted -> Logic ready", millisSince(restartedAt));
  }

  /** A Comet's registry record in Redis. */
  private static String record(String serverId) {
    return "{herald:registry}:node:" + serverId;
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
