package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.RedisSentinels;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A {@link RedisLink} on a {@code redis-sentinel://} uri, against a real master, replica and three
 * Sentinels: it writes to the master the Sentinels name, and when that master is killed it follows
 * them to the replica they promote.
 */
class RedisLinkSentinelIT {

  @Test
  void theLinkFollowsTheMasterTheSentinelsPromote() throws Exception {
    try (RedisSentinels sentinels = RedisSentinels.start()) {
      RedisEndpoint endpoint = new RedisEndpoint(sentinels.uri(), "t:", Duration.ofSeconds(1));
      assertThat(endpoint.kind()).isEqualTo(RedisEndpoint.Kind.SENTINEL);
      RedisLink<String, String> link = new RedisLink<>(endpoint, StringCodec.UTF8);
      link.start();
      try {
        RedisClusterAsyncCommands<String, String> redis = link.commands().get(5, TimeUnit.SECONDS);
        redis.set("t:k", "before").get();
        sentinels.awaitReplicated();

        Duration promoted = sentinels.killMaster();
        long start = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(
                () ->
                    "OK"
                        .equals(
                            link.commands()
                                .get(2, TimeUnit.SECONDS)
                                .set("t:k2", "after")
                                .get(2, TimeUnit.SECONDS)));
        System.out.printf(
            "[redis sentinel failover] master killed -> replica promoted: %d ms;"
                + " promoted -> the link writes again: %d ms%n",
            promoted.toMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(link.commands().get().get("t:k").get()).isEqualTo("before");
      } finally {
        link.stop();
      }
    }
  }
}
