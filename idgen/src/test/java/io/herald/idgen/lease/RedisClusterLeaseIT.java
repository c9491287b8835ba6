package io.herald.idgen.lease;

import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisLink;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Leases on a real Redis Cluster: each script names only the pool's key prefix and builds the
 * lease, high-water and token keys from it, which a cluster allows because the pool's hash tag puts
 * them all in the slot of that prefix.
 */
@RealRedisCluster
class RedisClusterLeaseIT extends LeaseContract {
  private RedisLink<String, String> link;

  /** One cluster link for every store: each cluster client opens a connection to every node. */
  @BeforeEach
  void connect(RedisClusterServer redis) {
    link =
        new RedisLink<>(
            RedisEndpoint.cluster(redis.uri(), redis.keyPrefix(), Duration.ofSeconds(2)),
            StringCodec.UTF8);
    link.start();
  }

  @Override
  LeaseStore store() {
    return new RedisLeaseStore(link);
  }

  @AfterEach
  void stop() {
    link.stop();
  }
}
