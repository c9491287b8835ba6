package io.herald.logic.inbox;

import io.herald.logic.redis.RedisConnection;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on a real Redis Cluster, from two connections (two Logic instances): each script
 * takes a user's three keys, which share the hash tag {@code {<mid>}} and so one slot.
 */
@RealRedisCluster
class RedisClusterInboxIT extends InboxContract {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InboxMetrics metrics = new InboxMetrics(meters);
  private RedisConnection connection;
  private RedisConnection secondConnection;
  private Inbox inbox;
  private Inbox second;
  private RedisClusterClient client;
  private RedisAdvancedClusterCommands<String, String> redis;
  private String prefix;

  @BeforeEach
  void connect(RedisClusterServer cluster) {
    prefix = cluster.keyPrefix() + "i";
    RedisEndpoint endpoint = RedisEndpoint.cluster(cluster.uri(), prefix, Duration.ofSeconds(2));
    connection = new RedisConnection(endpoint, meters);
    connection.start();
    secondConnection = new RedisConnection(endpoint, meters);
    secondConnection.start();
    inbox = new MeteredInbox(new RedisInbox(connection, CONFIG, clock, metrics), metrics);
    second = new RedisInbox(secondConnection, CONFIG, clock, metrics);
    client = RedisClusterClient.create(cluster.uri());
    redis = client.connect().sync();
  }

  @AfterEach
  void close() {
    connection.stop();
    secondConnection.stop();
    client.shutdown();
  }

  @Override
  Inbox inbox() {
    return inbox;
  }

  @Override
  Inbox sameDataElsewhere() {
    return second;
  }

  @Override
  void lose(long mid) {
    String meta = prefix + ":inbox:{" + mid + "}";
    redis.del(meta, meta + ":log", meta + ":cur");
  }

  @Override
  MeterRegistry meters() {
    return meters;
  }
}
