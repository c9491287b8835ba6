package io.herald.logic.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.herald.logic.redis.RedisConnection;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.FreePorts;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract on a real Redis (two connections: two Logic instances), and the key layout. */
@RealRedis
class RedisInboxIT extends InboxContract {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InboxMetrics metrics = new InboxMetrics(meters);
  private RedisConnection connection;
  private RedisConnection secondConnection;
  private Inbox inbox;
  private Inbox second;
  private RedisClient client;
  private RedisCommands<String, String> redis;
  private String prefix;

  @BeforeEach
  void connect(RedisServer server) {
    prefix = server.keyPrefix() + "i";
    RedisEndpoint endpoint = new RedisEndpoint(server.uri(), prefix, Duration.ofSeconds(2));
    connection = new RedisConnection(endpoint, meters);
    connection.start();
    secondConnection = new RedisConnection(endpoint, meters);
    secondConnection.start();
    inbox = new MeteredInbox(new RedisInbox(connection, CONFIG, clock, metrics), metrics);
    second = new RedisInbox(secondConnection, CONFIG, clock, metrics);
    client = RedisClient.create(server.uri());
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
    redis.del(meta(mid), meta(mid) + ":log", meta(mid) + ":cur");
  }

  private String meta(long mid) {
    return prefix + ":inbox:{" + mid + "}";
  }

  @Test
  void theInboxIsThreeHashTaggedKeysThatExpireAfterMaxAge() {
    InboxPosition at = append("a");
    inbox.moveCursors(List.of(new DeviceCursor(MID, "phone", at.epoch(), 1))).join();

    assertThat(redis.hgetall(meta(MID)))
        .containsEntry("epoch", String.valueOf(at.epoch()))
        .containsEntry("seq", "1");
    assertThat(redis.zcard(meta(MID) + ":log")).isOne();
    assertThat(redis.zrange(meta(MID) + ":log", 0, -1).get(0)).startsWith(now() + ":1:");
    assertThat(redis.hget(meta(MID) + ":cur", "phone")).isEqualTo(at.epoch() + ":1");
    long maxAge = CONFIG.maxAge().toMillis();
    for (String key : List.of(meta(MID), meta(MID) + ":log", meta(MID) + ":cur")) {
      assertThat(redis.pttl(key)).as(key).isBetween(maxAge - 10_000, maxAge);
    }
  }

  @Test
  void aFlushedRedisGivesANewEpoch() {
    InboxPosition old = append("a");
    redis.flushall();

    InboxRead read = inbox.read(MID, old.epoch(), 1, 10).join();

    assertThat(read.reset()).isTrue();
    assertThat(read.epoch()).isGreaterThan(old.epoch());
  }

  @Test
  void anUnreachableRedisFailsWithAnInboxError() {
    RedisConnection dead =
        new RedisConnection(
            new RedisEndpoint(
                "redis://127.0.0.1:" + FreePorts.next(), prefix, Duration.ofMillis(500)),
            meters);
    dead.start();
    try {
      Inbox down = new MeteredInbox(new RedisInbox(dead, CONFIG, clock, metrics), metrics);

      assertThatThrownBy(
              () -> down.append(MID, new InboxEntry(1, 1000, ByteString.EMPTY, now())).join())
          .hasCauseInstanceOf(InboxUnavailableException.class)
          .hasMessageContaining("inbox: ");
      assertThat(meters.get("herald.logic.inbox.failures").tag("op", "append").counter().count())
          .isOne();
    } finally {
      dead.stop();
    }
  }
}
