package io.herald.logic.online;

import static io.herald.logic.online.InMemoryOnlineStoreTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.logic.online.OnlineView.RoomCount;
import io.herald.logic.online.OnlineView.Totals;
import io.herald.logic.redis.RedisConnection;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RealRedis
class RedisOnlineStoreIT {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration SHORT_TTL = Duration.ofSeconds(1);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RedisConnection connection;
  private RedisClient client;
  private RedisCommands<String, String> redis;
  private String tag;

  @BeforeEach
  void connect(RedisServer server) {
    String prefix = server.keyPrefix() + "o";
    tag = "{" + prefix + ":online}";
    connection =
        new RedisConnection(new RedisEndpoint(server.uri(), prefix, Duration.ofSeconds(2)), meters);
    connection.start();
    client = RedisClient.create(server.uri());
    StatefulRedisConnection<String, String> inspect = client.connect();
    redis = inspect.sync();
  }

  @AfterEach
  void close() {
    connection.stop();
    client.shutdown();
  }

  @Test
  void twoServersReportAndBothAreListedWithTtls() {
    RedisOnlineStore store = new RedisOnlineStore(connection, TTL);
    ServerOnline a = new ServerOnline("comet-a", 7, Map.of("live://1000", 3), 3, 2, 1_000);
    ServerOnline b = new ServerOnline("comet-b", 9, Map.of("live://1000", 2), 2, 2, 2_000);

    store.report(b).join();
    store.report(a).join();

    assertThat(store.all().join()).containsExactly(a, b);
    assertThat(redis.smembers(tag + ":servers")).containsExactlyInAnyOrder("comet-a", "comet-b");
    assertThat(redis.hget(tag + ":server:comet-a", "epoch")).isEqualTo("7");
    assertThat(redis.pttl(tag + ":server:comet-a"))
        .isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
    assertThat(redis.pttl(tag + ":servers")).isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
  }

  @Test
  void aServerThatStopsReportingDisappearsAfterItsTtl() {
    RedisOnlineStore store = new RedisOnlineStore(connection, SHORT_TTL);
    ServerOnline alive = new ServerOnline("comet-alive", 1, Map.of("live://1", 1), 1, 1, 0);
    store.report(new ServerOnline("comet-silent", 1, Map.of(), 0, 0, 0)).join();
    long reportedAt = System.nanoTime();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              store.report(alive).join();
              return ids(store.all().join()).equals(List.of("comet-alive"));
            });

    assertThat(Duration.ofNanos(System.nanoTime() - reportedAt))
        .isGreaterThan(SHORT_TTL.minusMillis(100));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> redis.smembers(tag + ":servers"), ids -> ids.equals(Set.of("comet-alive")));
  }

  @Test
  void aReportFromAnOlderEpochIsIgnored() {
    RedisOnlineStore store = new RedisOnlineStore(connection, TTL);
    ServerOnline restarted = new ServerOnline("comet-a", 2, Map.of("live://1", 1), 1, 1, 5);
    store.report(restarted).join();

    store.report(new ServerOnline("comet-a", 1, Map.of("live://1", 9), 9, 9, 6)).join();

    assertThat(store.all().join()).containsExactly(restarted);
  }

  @Test
  void onlineCountsSumTheReportsOfEveryServer() {
    RedisOnlineStore writer = new RedisOnlineStore(connection, TTL);
    writer
        .report(new ServerOnline("comet-a", 1, Map.of("live://1000", 3, "live://2", 1), 4, 3, 0))
        .join();
    writer
        .report(new ServerOnline("comet-b", 1, Map.of("live://1000", 2, "chat://9", 5), 7, 6, 0))
        .join();
    OnlineCounts counts =
        new OnlineCounts(new RedisOnlineStore(connection, TTL), Duration.ofSeconds(5), meters);

    counts.refresh().join();

    assertThat(counts.top("live", 10))
        .containsExactly(new RoomCount("1000", 5), new RoomCount("2", 1));
    assertThat(counts.rooms("chat", List.of("9", "10")))
        .containsExactly(Map.entry("9", 5L), Map.entry("10", 0L));
    assertThat(counts.totals()).isEqualTo(new Totals(9, 11));
    assertThat(
            meters
                .get("herald.logic.redis.latency")
                .tag("op", "online_read")
                .tag("result", "ok")
                .timer()
                .count())
        .isOne();
  }
}
