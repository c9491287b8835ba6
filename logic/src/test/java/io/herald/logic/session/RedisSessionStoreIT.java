package io.herald.logic.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.session.SessionStore.Renewal;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract on a real Redis, and the key layout and TTLs it keeps there. */
@RealRedis
class RedisSessionStoreIT extends SessionStoreContract {
  private static final Duration TTL = Duration.ofMinutes(15);
  private static final long TTL_MS = TTL.toMillis();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RedisConnection connection;
  private RedisSessionStore store;
  private RedisClient client;
  private RedisCommands<String, String> redis;
  private String prefix;

  @BeforeEach
  void connect(RedisServer server) {
    prefix = server.keyPrefix() + "s";
    connection =
        new RedisConnection(new RedisEndpoint(server.uri(), prefix, Duration.ofSeconds(2)), meters);
    connection.start();
    store = new RedisSessionStore(connection, TTL, 2, meters);
    client = RedisClient.create(server.uri());
    StatefulRedisConnection<String, String> inspect = client.connect();
    redis = inspect.sync();
  }

  @Override
  SessionStore store() {
    return store;
  }

  @AfterEach
  void close() {
    connection.stop();
    client.shutdown();
  }

  @Test
  void putRecordsTheSessionUnderThreeKeysWithTtls() {
    store.put(WEB).join();

    assertThat(redis.hgetall(key("k-web")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "mid", "1", "server", "comet-a", "epoch", "100", "conn", "1", "platform", "web"));
    assertThat(redis.hget(mid(1), "k-web")).isEqualTo("comet-a|100|1");
    assertThat(redis.zscore(server("comet-a"), "k-web|1")).isEqualTo(100.0);
    for (String key : List.of(key("k-web"), mid(1), server("comet-a"))) {
      assertThat(redis.pttl(key)).as(key).isBetween(TTL_MS - 10_000, TTL_MS);
    }
    assertThat(
            meters
                .get("herald.logic.redis.latency")
                .tag("op", "put")
                .tag("result", "ok")
                .timer()
                .count())
        .isOne();
  }

  @Test
  void renewRefreshesTheTtlsAndSaysTheSessionWasThere() {
    store.put(WEB).join();
    List<String> keys = List.of(key("k-web"), mid(1), server("comet-a"));
    keys.forEach(key -> redis.pexpire(key, 5_000));

    assertThat(store.renew(WEB).join()).isEqualTo(Renewal.RENEWED);

    for (String key : keys) {
      assertThat(redis.pttl(key)).as(key).isGreaterThan(TTL_MS - 10_000);
    }
  }

  @Test
  void renewAfterTheKeysWereDeletedRecreatesTheSession() {
    store.put(WEB).join();
    redis.del(key("k-web"), mid(1), server("comet-a"));

    assertThat(store.renew(WEB).join()).isEqualTo(Renewal.RECREATED);

    assertThat(store.sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(WEB));
    assertThat(redis.pttl(key("k-web"))).isGreaterThan(TTL_MS - 10_000);
    assertThat(redis.zscore(server("comet-a"), "k-web|1")).isEqualTo(100.0);
  }

  @Test
  void aSupersededRenewalWritesNothing() {
    Session fresh = new Session(1, "k-web", "comet-a", 100, 2, "web");
    store.put(fresh).join();

    assertThat(store.renew(WEB).join()).isEqualTo(Renewal.SUPERSEDED);

    assertThat(redis.hget(mid(1), "k-web")).isEqualTo("comet-a|100|2");
    assertThat(redis.zrange(server("comet-a"), 0, -1)).containsExactly("k-web|2");
  }

  @Test
  void aNewConnectionOfTheKeyTakesItsEntriesOverAndALateRemovalOfTheOldKeepsThem() {
    store.put(WEB).join();
    Session fresh = new Session(1, "k-web", "comet-a", 100, 2, "web");
    store.put(fresh).join();

    assertThat(redis.zrange(server("comet-a"), 0, -1)).containsExactly("k-web|2");
    assertThat(store.remove(WEB).join()).isFalse();
    assertThat(redis.hget(mid(1), "k-web")).isEqualTo("comet-a|100|2");
    assertThat(redis.zrange(server("comet-a"), 0, -1)).containsExactly("k-web|2");
  }

  @Test
  void removeDeletesTheSessionFromEveryKey() {
    store.put(WEB).join();
    store.put(PHONE).join();

    assertThat(store.remove(WEB).join()).isTrue();

    assertThat(redis.exists(key("k-web"))).isZero();
    assertThat(redis.hexists(mid(1), "k-web")).isFalse();
    assertThat(redis.zscore(server("comet-a"), "k-web|1")).isNull();
    assertThat(store.sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(PHONE));
  }

  @Test
  void aSessionThatMovedToAnotherServerLeavesTheFormerServersSet() {
    store.put(WEB).join();
    Session moved = new Session(1, "k-web", "comet-b", 200, 1, "web");
    store.put(moved).join();

    assertThat(redis.hget(mid(1), "k-web")).isEqualTo("comet-b|200|1");
    assertThat(redis.zscore(server("comet-a"), "k-web|1")).isNull();
    assertThat(redis.zscore(server("comet-b"), "k-web|1")).isEqualTo(200.0);
  }

  @Test
  void aKeyTakenOverByAnotherUserLeavesTheFormerUsersHash() {
    store.put(WEB).join();
    store.put(new Session(2, "k-web", "comet-a", 100, 2, "web")).join();

    assertThat(redis.hexists(mid(1), "k-web")).isFalse();
  }

  @Test
  void aSessionWhoseTtlRanOutIsGoneAndNoLongerListedForItsMid() {
    RedisSessionStore shortLived =
        new RedisSessionStore(connection, Duration.ofSeconds(1), 100, meters);
    long putAt = System.nanoTime();
    shortLived.put(WEB).join();

    // The phone keeps renewing, so the mid's hash outlives the web session's record.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              shortLived.renew(PHONE).join();
              return shortLived.sessionsOfKeys(List.of("k-web")).join().isEmpty();
            });

    assertThat(Duration.ofNanos(System.nanoTime() - putAt)).isGreaterThan(Duration.ofMillis(900));
    assertThat(shortLived.sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(PHONE));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                !redis.hexists(mid(1), "k-web")
                    && redis.zscore(server("comet-a"), "k-web|1") == null);
  }

  @Test
  void purgeStaleLeavesTheServersSetWithTheCurrentEpochOnlyAndCounts() {
    for (int i = 1; i <= 5; i++) {
      store.put(new Session(i, "k" + i, "comet-a", 100, i, "web")).join();
    }
    store.put(new Session(1, "k1", "comet-a", 300, 1, "web")).join();
    store.put(new Session(6, "k6", "comet-a", 300, 2, "web")).join();

    assertThat(store.purgeStale("comet-a", 300).join()).isEqualTo(4);

    assertThat(redis.zrange(server("comet-a"), 0, -1)).containsExactlyInAnyOrder("k1|1", "k6|2");
    assertThat(redis.exists(mid(2), mid(3), mid(4), mid(5))).isZero();
    assertThat(meters.get("herald.logic.sessions.purged").counter().count()).isEqualTo(4.0);
  }

  @Test
  void aStoreNeedsAStartedConnection(RedisServer server) {
    RedisConnection idle =
        new RedisConnection(new RedisEndpoint(server.uri(), prefix, Duration.ofSeconds(1)), meters);
    RedisSessionStore unstarted = new RedisSessionStore(idle, TTL, 10, meters);

    assertThatThrownBy(() -> unstarted.put(WEB).join()).hasRootCauseMessage("redis not started");
    idle.start();
    idle.start();
    idle.stop();
    idle.stop();
    assertThatThrownBy(() -> unstarted.sessionsOfKeys(List.of("k")).join())
        .hasRootCauseMessage("redis stopped");
  }

  @Test
  void scriptsAreLoadedAgainAfterAFlush() {
    store.put(WEB).join();
    redis.scriptFlush();

    assertThat(store.remove(WEB).join()).isTrue();
  }

  private String key(String deviceKey) {
    return prefix + ":key:" + deviceKey;
  }

  private String mid(long mid) {
    return prefix + ":mid:" + mid;
  }

  private String server(String serverId) {
    return prefix + ":server:" + serverId;
  }
}
