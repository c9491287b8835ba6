package io.herald.logic.store;

import io.herald.config.Check;
import io.herald.config.Durations;
import io.herald.redis.RedisEndpoint;
import java.time.Duration;

/**
 * Where Logic keeps sessions and the Comets' online reports, and how long each lives. Both live in
 * the same backend and share one Redis connection.
 *
 * @param backend {@value #REDIS} (shared by every Logic instance) or {@value #MEMORY} (this process
 *     only, for {@code herald standalone})
 * @param redis the Redis backend's connection and key prefix; ignored by {@value #MEMORY}
 * @param sessionTtl how long a session lives without a Heartbeat renewing it; also how long a
 *     crashed Comet's sessions outlive it. Default 15 min: three times the longest client heartbeat
 *     interval (300 s), so a Comet that renews on the heartbeat at most once per {@code sessionTtl
 *     / 3} can miss a renewal and keep the session
 * @param purgeBatch how many sessions a purge of a restarted Comet reads and deletes per round trip
 * @param onlineTtl how long a Comet's online report counts without a new one; default 30 s, three
 *     times the Comets' default report interval (10 s)
 * @param onlineRefresh how often each Logic instance re-reads every Comet's report; shorter than
 *     {@code onlineTtl}
 * @param checkInterval how often each Logic instance checks that the store answers (its readiness)
 *     and still holds what it held (its incarnation: when a Redis comes back empty, the Comets are
 *     asked to re-announce their sessions); default 1 s
 */
public record StoreConfig(
    String backend,
    RedisEndpoint redis,
    Duration sessionTtl,
    int purgeBatch,
    Duration onlineTtl,
    Duration onlineRefresh,
    Duration checkInterval) {

  public static final String REDIS = "redis";
  public static final String MEMORY = "memory";

  public StoreConfig {
    Check.state(
        REDIS.equals(backend) || MEMORY.equals(backend), "backend", backend, "redis or memory");
    Check.notNull("redis", redis);
    atLeastAMillisecond("sessionTtl", sessionTtl);
    Check.inRange("purgeBatch", purgeBatch, 1, 10_000);
    atLeastAMillisecond("onlineTtl", onlineTtl);
    Check.positive("onlineRefresh", onlineRefresh);
    Check.state(
        onlineRefresh.compareTo(onlineTtl) < 0,
        "onlineRefresh",
        Durations.format(onlineRefresh),
        "< onlineTtl " + Durations.format(onlineTtl));
    atLeastAMillisecond("checkInterval", checkInterval);
  }

  /**
   * In-memory; sessions live 15 min, reports 30 s, re-read every 5 s; purges 500 at a time; checked
   * every second.
   */
  public static StoreConfig defaults() {
    return new StoreConfig(
        MEMORY,
        RedisEndpoint.local("herald"),
        Duration.ofMinutes(15),
        500,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1));
  }

  /** The same settings on {@code otherBackend} ({@value #REDIS} or {@value #MEMORY}). */
  public StoreConfig withBackend(String otherBackend) {
    return new StoreConfig(
        otherBackend, redis, sessionTtl, purgeBatch, onlineTtl, onlineRefresh, checkInterval);
  }

  /** Redis expires keys in whole milliseconds. */
  private static void atLeastAMillisecond(String name, Duration ttl) {
    Check.positive(name, ttl);
    Check.state(ttl.toMillis() > 0, name, ttl, ">= 1ms");
  }
}
