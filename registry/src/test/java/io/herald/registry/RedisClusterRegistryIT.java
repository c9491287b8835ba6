package io.herald.registry;

import static io.herald.registry.Nodes.ids;
import static io.herald.registry.Nodes.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry on a real Redis Cluster: its keys share one slot (hash tag {@code {<prefix>}}), so
 * the index, the records' MGET and the prune script all run on that slot's master. (Readers keep
 * their snapshot through an outage: {@code RedisRegistryIT}; a master failover under running roles:
 * {@code it/RedisClusterFailoverIT}.)
 */
@RealRedisCluster
class RedisClusterRegistryIT {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration SHORT_TTL = Duration.ofSeconds(1);

  private final List<Registry> registries = new ArrayList<>();

  @AfterEach
  void stopAll() {
    registries.forEach(Registry::stop);
  }

  @Test
  void writersAndReadersShareTheRegistryAndExpiredIdsArePruned(RedisClusterServer redis) {
    RedisRegistry writer = started(redis, TTL);
    RedisRegistry shortLived = started(redis, SHORT_TTL);
    RedisRegistry reader = started(redis, TTL);

    writer.register(up("comet-b")).join();
    writer.register(up("comet-a")).join();
    shortLived.register(up("comet-silent")).join();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> ids(reader.nodes()),
            ids -> ids.equals(List.of("comet-a", "comet-b", "comet-silent")));

    await()
        .atMost(SHORT_TTL.plus(Duration.ofSeconds(5)))
        .until(() -> indexMembers(redis), members -> members.equals(List.of("comet-a", "comet-b")));
    assertThat(ids(reader.nodes())).containsExactly("comet-a", "comet-b");

    writer.deregister("comet-a").join();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ids(reader.nodes()), ids -> ids.equals(List.of("comet-b")));
  }

  private RedisRegistry started(RedisClusterServer redis, Duration ttl) {
    RedisEndpoint endpoint =
        new RedisEndpoint(
            redis.uri(),
            redis.keyPrefix(),
            Duration.ofSeconds(1),
            RedisEndpoint.CLUSTER,
            Duration.ofMillis(500));
    RedisRegistry registry =
        new RedisRegistry(endpoint, ttl, POLL, Clock.systemUTC(), new SimpleMeterRegistry());
    registries.add(registry);
    registry.start();
    return registry;
  }

  private static List<String> indexMembers(RedisClusterServer redis) {
    RedisClusterClient client = RedisClusterClient.create(redis.uri());
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      return connection.sync().smembers(new RedisKeys(redis.keyPrefix()).index()).stream()
          .sorted()
          .toList();
    } finally {
      client.shutdown();
    }
  }
}
