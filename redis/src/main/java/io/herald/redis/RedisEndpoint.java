package io.herald.redis;

import io.herald.config.Check;
import io.lettuce.core.RedisURI;
import java.time.Duration;

/**
 * Where a Redis is and how its keys are named.
 *
 * @param uri {@code redis://host:port}, {@code rediss://...} or {@code redis-sentinel://...}
 * @param keyPrefix every key starts with it; no braces (they would hash-tag every key into one
 *     cluster slot)
 * @param timeout bounds the connect and every command
 */
public record RedisEndpoint(String uri, String keyPrefix, Duration timeout) {
  public static final String LOCAL = "redis://127.0.0.1:6379";

  public RedisEndpoint {
    Check.notBlank("uri", uri);
    try {
      RedisURI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "uri: " + uri + " (expected: redis://host:port, rediss://... or redis-sentinel://...)",
          e);
    }
    Check.notBlank("keyPrefix", keyPrefix);
    Check.state(
        keyPrefix.indexOf('{') < 0 && keyPrefix.indexOf('}') < 0,
        "keyPrefix",
        keyPrefix,
        "no braces");
    Check.positive("timeout", timeout);
  }

  /** A local Redis on the default port, keys under {@code keyPrefix}, a 2 s timeout. */
  public static RedisEndpoint local(String keyPrefix) {
    return new RedisEndpoint(LOCAL, keyPrefix, Duration.ofSeconds(2));
  }
}
