package io.herald.idgen.lease;

import io.herald.config.Check;
import io.herald.config.Durations;
import io.herald.redis.RedisEndpoint;
import java.time.Duration;

/**
 * How worker ids are leased.
 *
 * @param store {@value #DATABASE} (the id database; the default, needs nothing else) or {@value
 *     #REDIS}
 * @param redis the Redis for {@value #REDIS}; ignored otherwise
 * @param ttl how long a lease lives without renewal; a crashed server's worker id is free again
 *     after it
 * @param renewEvery how often the holder renews; well under {@code ttl - safetyMargin}, so a missed
 *     renewal or two do not stop the generator
 * @param safetyMargin the holder stops issuing this long before its lease could expire in the
 *     store: it covers the renewal's own latency and clock-rate differences
 * @param maxStartWait how long start may wait for the clock to pass the worker's high-water mark
 *     (another holder's clock was ahead); past it, start fails
 */
public record LeaseConfig(
    String store,
    RedisEndpoint redis,
    Duration ttl,
    Duration renewEvery,
    Duration safetyMargin,
    Duration maxStartWait) {

  public static final String DATABASE = "database";
  public static final String REDIS = "redis";

  public LeaseConfig {
    Check.state(DATABASE.equals(store) || REDIS.equals(store), "store", store, "database or redis");
    Check.notNull("redis", redis);
    Check.positive("ttl", ttl);
    Check.positive("renewEvery", renewEvery);
    Check.notNull("safetyMargin", safetyMargin);
    Check.state(!safetyMargin.isNegative(), "safetyMargin", safetyMargin, ">= 0");
    Check.state(
        renewEvery.compareTo(ttl.minus(safetyMargin)) < 0,
        "renewEvery",
        renewEvery,
        "< ttl - safetyMargin = " + Durations.format(ttl.minus(safetyMargin)));
    Check.notNull("maxStartWait", maxStartWait);
  }

  /** In the database; 30 s leases renewed every 5 s, stopping 5 s before expiry. */
  public static LeaseConfig defaults() {
    return new LeaseConfig(
        DATABASE,
        RedisEndpoint.local("herald:"),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }
}
