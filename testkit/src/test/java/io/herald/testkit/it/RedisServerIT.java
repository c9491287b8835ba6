package io.herald.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

@RealRedis
class RedisServerIT {

  private static final Map<String, String> PREFIX_BY_TEST = new ConcurrentHashMap<>();

  private RedisServer redis;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  @BeforeEach
  void connect(RedisServer redis, TestInfo test) {
    this.redis = redis;
    this.client = RedisClient.create(redis.uri());
    this.connection = client.connect();
    PREFIX_BY_TEST.put(test.getDisplayName(), redis.keyPrefix());
  }

  @AfterEach
  void disconnect() {
    connection.close();
    client.shutdown();
  }

  @Test
  void setsAndGets(RedisServer redis) {
    RedisCommands<String, String> commands = connection.sync();

    commands.set(redis.key("greeting"), "hello");

    assertThat(commands.get(redis.key("greeting"))).isEqualTo("hello");
    assertThat(redis.key("greeting")).isEqualTo(redis.keyPrefix() + "greeting");
  }

  @Test
  void seesTheSameServerInLifecycleMethodsAndTheTest(RedisServer redis) {
    assertThat(redis).isSameAs(this.redis);
    assertThat(redis.host()).isEqualTo("127.0.0.1");
    assertThat(redis.port()).isLessThan(32768);
    assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
    assertThat(connection.sync().ping()).isEqualTo("PONG");
  }

  @Test
  void doesNotSeeTheKeysOfOtherTests(RedisServer redis) {
    RedisCommands<String, String> commands = connection.sync();
    commands.set(redis.key("greeting"), "mine");

    assertThat(commands.keys(redis.keyPrefix() + "*")).containsExactly(redis.key("greeting"));
  }

  @AfterAll
  static void eachTestHadItsOwnPrefix() {
    assumeFalse(PREFIX_BY_TEST.isEmpty(), "no test ran: Redis is unavailable");
    assertThat(PREFIX_BY_TEST).hasSize(3);
    assertThat(PREFIX_BY_TEST.values())
        .doesNotHaveDuplicates()
        .allSatisfy(prefix -> assertThat(prefix).startsWith("test:").endsWith(":"));
  }
}
