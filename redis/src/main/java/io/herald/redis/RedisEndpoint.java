package io.herald.redis;

import io.herald.config.Check;
import io.herald.config.Secrets;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a Redis is, what kind it is, and how its keys are named.
 *
 * @param uri standalone: {@code redis://host:port} or {@code rediss://...}; sentinel: {@code
 *     redis-sentinel://host:26379,host:26379/0#mymaster}; cluster: one or more seed nodes, {@code
 *     redis://host:6379,host:6379,...} (any node of the cluster will do; the rest is discovered)
 * @param keyPrefix every key starts with it; no braces (they would hash-tag every key into one
 *     cluster slot)
 * @param timeout bounds the connect and every command
 * @param mode {@value #STANDALONE}, {@value #SENTINEL} or {@value #CLUSTER}; {@code null} (not set)
 *     means {@value #SENTINEL} for a {@code redis-sentinel://} uri and {@value #STANDALONE}
 *     otherwise, so every config written before the key existed keeps its meaning
 * @param topologyRefresh cluster only: how often the cluster's layout is re-read whatever happens;
 *     it is also re-read at once (at most once a second) when a node redirects a command or cannot
 *     be reached; default 5 s
 */
public record RedisEndpoint(
    String uri, String keyPrefix, Duration timeout, String mode, Duration topologyRefresh) {
  public static final String LOCAL = "redis://127.0.0.1:6379";
  public static final String STANDALONE = "standalone";
  public static final String SENTINEL = "sentinel";
  public static final String CLUSTER = "cluster";
  public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(5);

  /** What a {@link RedisEndpoint} connects to. */
  public enum Kind {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  public RedisEndpoint {
    Check.notBlank("uri", uri);
    Check.state(
        mode == null || List.of(STANDALONE, SENTINEL, CLUSTER).contains(mode),
        "mode",
        mode,
        "standalone, sentinel or cluster");
    topologyRefresh = topologyRefresh == null ? DEFAULT_TOPOLOGY_REFRESH : topologyRefresh;
    Check.positive("topologyRefresh", topologyRefresh);
    checkUri(uri, kind(uri, mode));
    Check.notBlank("keyPrefix", keyPrefix);
    Check.state(
        keyPrefix.indexOf('{') < 0 && keyPrefix.indexOf('}') < 0,
        "keyPrefix",
        keyPrefix,
        "no braces");
    Check.positive("timeout", timeout);
  }

  /** A standalone or Sentinel Redis (told apart by the uri's scheme). */
  public RedisEndpoint(String uri, String keyPrefix, Duration timeout) {
    this(uri, keyPrefix, timeout, null, null);
  }

  /** A local Redis on the default port, keys under {@code keyPrefix}, a 2 s timeout. */
  public static RedisEndpoint local(String keyPrefix) {
    return new RedisEndpoint(LOCAL, keyPrefix, Duration.ofSeconds(2));
  }

  /** The seed nodes of a Redis Cluster at {@code uri}, keys under {@code keyPrefix}. */
  public static RedisEndpoint cluster(String uri, String keyPrefix, Duration timeout) {
    return new RedisEndpoint(uri, keyPrefix, timeout, CLUSTER, null);
  }

  /** What this endpoint connects to: {@link #mode()}, or what the uri implies when it is unset. */
  public Kind kind() {
    return kind(uri, mode);
  }

  /** The uri as Lettuce's URIs: one for standalone and Sentinel, the seed nodes for a cluster. */
  public List<RedisURI> redisUris() {
    List<RedisURI> uris =
        kind() == Kind.CLUSTER
            ? RedisClusterURIUtil.toRedisURIs(URI.create(uri))
            : List.of(RedisURI.create(uri));
    uris.forEach(each -> each.setTimeout(timeout));
    return uris;
  }

  /**
   * Where a client makes its first contact, for a reachability check: the uri of a single Redis;
   * {@code host:port,host:port...} of the Sentinels or of the cluster's seed nodes (any one
   * reachable will do).
   */
  public String contactPoints() {
    List<RedisURI> contacts =
        switch (kind()) {
          case STANDALONE -> List.of();
          case SENTINEL -> RedisURI.create(uri).getSentinels();
          case CLUSTER -> redisUris();
        };
    if (contacts.isEmpty()) {
      return uri;
    }
    return contacts.stream()
        .map(each -> each.getHost() + ":" + each.getPort())
        .collect(Collectors.joining(","));
  }

  private static Kind kind(String uri, String mode) {
    if (mode == null) {
      return sentinelScheme(uri) ? Kind.SENTINEL : Kind.STANDALONE;
    }
    return Kind.valueOf(mode.toUpperCase(Locale.ROOT));
  }

  private static boolean sentinelScheme(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    return lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://");
  }

  private static void checkUri(String uri, Kind kind) {
    String expected =
        switch (kind) {
          case STANDALONE ->
              "redis://host:port or rediss://host:port; several hosts need mode:"
                  + " cluster, a redis-sentinel:// uri mode: sentinel";
          case SENTINEL ->
              "redis-sentinel://host:port[,host:port...][/db]#masterName with mode:" + " sentinel";
          case CLUSTER ->
              "redis://host:port[,host:port...] or rediss://..., the seed nodes of"
                  + " the cluster, with mode: cluster";
        };
    boolean ok;
    try {
      ok =
          switch (kind) {
            case STANDALONE ->
                !sentinelScheme(uri)
                    && uri.indexOf(',') < 0
                    && RedisURI.create(uri).getHost() != null;
            case SENTINEL ->
                sentinelScheme(uri)
                    && !RedisURI.create(uri).getSentinels().isEmpty()
                    && RedisURI.create(uri).getSentinelMasterId() != null;
            case CLUSTER ->
                !sentinelScheme(uri)
                    && RedisClusterURIUtil.toRedisURIs(URI.create(uri)).stream()
                        .allMatch(seed -> seed.getHost() != null && !seed.getHost().isEmpty());
          };
    } catch (IllegalArgumentException e) {
      // Not chained: the parser's message may quote the uri, password and all.
      throw new IllegalArgumentException(
          "uri: " + Secrets.redactUri(uri) + " (expected: " + expected + ")");
    }
    Check.state(ok, "uri", Secrets.redactUri(uri), expected);
  }

  /** Shows the uri without its password. */
  @Override
  public String toString() {
    return "RedisEndpoint[uri="
        + Secrets.redactUri(uri)
        + ", keyPrefix="
        + keyPrefix
        + ", timeout="
        + timeout
        + ", mode="
        + mode
        + ", topologyRefresh="
        + topologyRefresh
        + "]";
  }
}
