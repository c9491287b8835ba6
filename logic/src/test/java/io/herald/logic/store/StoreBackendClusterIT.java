package io.herald.logic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.logic.online.OnlineCounts;
import io.herald.logic.online.OnlineView.RoomCount;
import io.herald.logic.online.OnlineView.Totals;
import io.herald.logic.online.ServerOnline;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logic's stores as Logic wires them ({@link StoreBackend}, {@code store.redis.mode: cluster}) on a
 * real Redis Cluster: online reports (two hash-tagged keys written by one script, read and pruned
 * by another), the room index (one key per room, spread over the masters) and the incarnation. (The
 * session store and the inbox run their whole contracts in {@code RedisClusterSessionStoreIT} and
 * {@code RedisClusterInboxIT}; a master failover under a running Logic is {@code
 * it/RedisClusterFailoverIT}.)
 */
@RealRedisCluster
class StoreBackendClusterIT {
  private static final Duration SHORT_TTL = Duration.ofSeconds(1);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RedisClusterServer cluster;
  private StoreBackend stores;

  @BeforeEach
  void start(RedisClusterServer cluster) {
    this.cluster = cluster;
    stores = backend(cluster, SHORT_TTL);
    stores.start();
  }

  @AfterEach
  void stop() {
    stores.stop();
  }

  private static StoreBackend backend(RedisClusterServer cluster, Duration onlineTtl) {
    RedisEndpoint redis =
        new RedisEndpoint(
            cluster.uri(),
            cluster.keyPrefix() + "b",
            Duration.ofSeconds(1),
            RedisEndpoint.CLUSTER,
            Duration.ofMillis(500));
    StoreConfig config =
        new StoreConfig(
            StoreConfig.REDIS,
            redis,
            Duration.ofMinutes(15),
            100,
            onlineTtl,
            Duration.ofMillis(100),
            Duration.ofMillis(200));
    return StoreBackend.create(config, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  @Test
  void onlineReportsAreSummedAndAnExpiredServerIsPrunedFromTheIndex() {
    ServerOnline silent = new ServerOnline("comet-silent", 1, Map.of("live://1000", 2), 2, 2, 0);
    ServerOnline alive = new ServerOnline("comet-alive", 1, Map.of("live://1000", 3), 3, 3, 0);
    stores.online().report(silent).join();
    stores.online().report(alive).join();
    OnlineCounts counts = new OnlineCounts(stores.online(), Duration.ofSeconds(5), meters);
    counts.refresh().join();
    assertThat(counts.top("live", 10)).containsExactly(new RoomCount("1000", 5));
    assertThat(counts.totals()).isEqualTo(new Totals(5, 5));

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              stores.online().report(alive).join();
              return stores.online().all().join().stream()
                  .map(ServerOnline::serverId)
                  .toList()
                  .equals(List.of("comet-alive"));
            });
  }

  @Test
  void theRoomIndexSpreadsOverTheMastersAndAnswersPerRoom() {
    List<String> rooms = List.of("live://1", "live://2", "live://3", "chat://4", "chat://5");
    stores.rooms().hold("comet-a", rooms).join();
    stores.rooms().hold("comet-b", List.of("live://1", "chat://5")).join();

    assertThat(stores.rooms().servers("live://1").join()).isEqualTo(Set.of("comet-a", "comet-b"));
    assertThat(stores.rooms().servers("live://3").join()).isEqualTo(Set.of("comet-a"));
    assertThat(stores.rooms().servers("chat://9").join()).isEmpty();
    assertThat(
            rooms.stream()
                .map(room -> cluster.masterPortOf(cluster.keyPrefix() + "b:room:" + room))
                .distinct()
                .count())
        .as("masters holding the rooms")
        .isGreaterThan(1);
  }

  @Test
  void theIncarnationStaysWhileTheClusterKeepsItsData() {
    String first = stores.incarnation().join();
    StoreBackend other = backend(cluster, SHORT_TTL);
    other.start();
    try {
      assertThat(other.incarnation().join()).isEqualTo(first);
    } finally {
      other.stop();
    }
  }
}
