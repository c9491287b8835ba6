package io.herald.logic.session;

import static org.awaitility.Awaitility.await;

import io.herald.logic.redis.RedisConnection;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real Redis Cluster: every command and script of the store (put, renew, remove,
 * the lookups, the cleanups and the purge of a restarted Comet) touches one key, so its keys spread
 * over the three masters and each path runs there. Purges in rounds of 2, so a purge spans several
 * round trips.
 */
@RealRedisCluster
class RedisClusterSessionStoreIT extends SessionStoreContract {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RedisConnection connection;
  private RedisSessionStore store;
  private RedisClusterServer cluster;
  private String prefix;

  @BeforeEach
  void connect(RedisClusterServer cluster) {
    this.cluster = cluster;
    prefix = cluster.keyPrefix() + "s";
    connection =
        new RedisConnection(
            RedisEndpoint.cluster(cluster.uri(), prefix, Duration.ofSeconds(2)), meters);
    connection.start();
    store = new RedisSessionStore(connection, Duration.ofMinutes(15), 2, meters);
  }

  @AfterEach
  void close() {
    connection.stop();
  }

  @Override
  SessionStore store() {
    return store;
  }

  /**
   * A device's record and its mid's hash live on two masters. A lookup by mid that ran between the
   * two writes of a put found the hash entry without its record, took it for an expired session and
   * deleted the entry: the device stayed connected but unreachable by mid until a renewal. The put
   * now writes the entry only once the record is written.
   */
  @Test
  void aLookupDuringAPutOnTwoMastersKeepsTheNewEntry() {
    long mid = 4242;
    String key = "";
    for (int i = 0; key.isEmpty(); i++) {
      String candidate = "split-" + i;
      if (cluster.masterPortOf(prefix + ":key:" + candidate)
          != cluster.masterPortOf(prefix + ":mid:" + mid)) {
        key = candidate;
      }
    }
    Session session = new Session(mid, key, "comet-a", 7, 1, "web");
    cluster.pauseWritesOnMasterOf(prefix + ":key:" + key, Duration.ofMillis(500));

    CompletableFuture<Void> put = store.put(session);
    while (!put.isDone()) {
      var unused = store.sessionsOfMids(List.of(mid)).join();
    }
    put.join();

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.sessionsOfMids(List.of(mid)).join().get(mid), List.of(session)::equals);
  }
}
