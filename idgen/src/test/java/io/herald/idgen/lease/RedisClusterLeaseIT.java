package io.herald.idgen.lease;

import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisLink;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Leases on a real Redis Cluster: each script names only the pool's key prefix and builds the
 * lease, high-water and token keys from it, which a cluster allows because the pool's hash tag puts
 * them all in the slot of that prefix.
 */
@RealRedisCluster
class RedisClusterLeaseIT extends LeaseContract {
  private RedisClusterServer redis;
  private final List<RedisLink<String, String>> links = new ArrayList<>();

  @BeforeEach
  void connect(RedisClusterServer redis) {
    this.redis = redis;
  }

  @Override
  LeaseStore store() {
    RedisLink<String, String> link =
        new RedisLink<>(
            RedisEndpoint.cluster(redis.uri(), redis.keyPrefix(), Duration.ofSeconds(2)),
            StringCodec.UTF8);
    link.start();
    links.add(link);
    return new RedisLeaseStore(link);
  }

  @AfterEach
  void stop() {
    links.forEach(RedisLink::stop);
  }
}
