package io.herald.idgen.lease;

import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisLink;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Leases in a real Redis (its own TTLs expire them). */
@RealRedis
class RedisLeaseIT extends LeaseContract {
  private RedisServer redis;
  private final List<RedisLink<String, String>> links = new ArrayList<>();

  @BeforeEach
  void connect(RedisServer redis) {
    this.redis = redis;
  }

  @Override
  LeaseStore store() {
    RedisLink<String, String> link =
        new RedisLink<>(
            new RedisEndpoint(redis.uri(), redis.keyPrefix(), Duration.ofSeconds(2)),
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
