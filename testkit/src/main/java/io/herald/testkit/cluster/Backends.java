package io.herald.testkit.cluster;

/**
 * What the roles of a test share: the Redis that holds sessions and the registry ({@code ""}: each
 * role keeps them in memory), the key prefix there, the Kafka broker and push topic between Logic
 * and Job ({@code ""}: none), Job's consumer group, and the registry's timings.
 *
 * @param keyPrefix sessions live under {@code keyPrefix}, registry records under {@code
 *     keyPrefix:registry}
 * @param redisMode the roles' {@code redis.mode}: {@code ""} (not set: standalone, or Sentinel for
 *     a {@code redis-sentinel://} uri) or {@code cluster} (then {@code redisUri} lists seed nodes)
 */
public record Backends(
    String redisUri,
    String keyPrefix,
    String kafka,
    String topic,
    String groupId,
    Registry registry,
    String redisMode) {

  /** Redis standalone or Sentinel, as the uri says. */
  public Backends(
      String redisUri,
      String keyPrefix,
      String kafka,
      String topic,
      String groupId,
      Registry registry) {
    this(redisUri, keyPrefix, kafka, topic, groupId, registry, "");
  }

  /** The registry's timings: how long a record lives, how often it is renewed and polled. */
  public record Registry(String ttl, String renewInterval, String pollInterval) {
    /** Records live 3 s, renewed every 500 ms, polled every 200 ms. */
    public static final Registry FAST = new Registry("3s", "500ms", "200ms");
  }

  /** Sessions and registry in memory, no Kafka: Logic and Comets only, pushed to over gRPC. */
  public static Backends inMemory() {
    return new Backends("", "herald", "", "", "", Registry.FAST);
  }

  /** Redis at {@code redisUri} under the prefix {@code herald}, pushes through {@code topic}. */
  public static Backends of(String redisUri, String kafka, String topic, String groupId) {
    return new Backends(redisUri, "herald", kafka, topic, groupId, Registry.FAST);
  }

  public Backends withKeyPrefix(String prefix) {
    return new Backends(redisUri, prefix, kafka, topic, groupId, registry, redisMode);
  }

  public Backends withRegistry(Registry timings) {
    return new Backends(redisUri, keyPrefix, kafka, topic, groupId, timings, redisMode);
  }

  public Backends withTopic(String newTopic, String newGroupId) {
    return new Backends(redisUri, keyPrefix, kafka, newTopic, newGroupId, registry, redisMode);
  }

  /**
   * The same, on the Redis Cluster whose seed nodes {@code seeds} lists ({@code
   * redis://h:p,h:p,...}), with a fast topology refresh.
   */
  public Backends withRedisCluster(String seeds) {
    return new Backends(seeds, keyPrefix, kafka, topic, groupId, registry, "cluster");
  }

  /**
   * The extra keys of the roles' {@code redis:} sections: {@code ""}, or the mode and a topology
   * refresh of 500 ms for a cluster.
   */
  public String redisModeKeys() {
    return redisMode.isEmpty() ? "" : ", mode: " + redisMode + ", topologyRefresh: 500ms";
  }

  public boolean hasRedis() {
    return !redisUri.isEmpty();
  }

  public boolean hasKafka() {
    return !kafka.isEmpty();
  }
}
