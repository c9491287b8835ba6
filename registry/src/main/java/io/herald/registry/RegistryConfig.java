package io.herald.registry;

import io.herald.config.Check;
import io.herald.config.Durations;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.redis.RedisEndpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where Comets register and how often.
 *
 * @param backend {@value #REDIS} (TTL records shared by every process) or {@value #MEMORY} (this
 *     process only, seeded with {@code staticNodes})
 * @param redis the Redis backend's connection and keys; ignored by {@value #MEMORY}
 * @param ttl how long a record lives without renewal
 * @param renewInterval how often a Comet renews its record; shorter than {@code ttl}, so a renewal
 *     or two may fail before the record expires
 * @param pollInterval how often readers refresh their snapshot (in-process: sweep expired records)
 * @param staticNodes Comets that never expire, for fixed deployments; {@value #MEMORY} only
 */
public record RegistryConfig(
    String backend,
    RedisEndpoint redis,
    Duration ttl,
    Duration renewInterval,
    Duration pollInterval,
    List<StaticNode> staticNodes) {

  public static final String REDIS = "redis";
  public static final String MEMORY = "memory";

  public RegistryConfig {
    Check.state(
        REDIS.equals(backend) || MEMORY.equals(backend), "backend", backend, "redis or memory");
    Check.notNull("redis", redis);
    Check.positive("ttl", ttl);
    Check.positive("renewInterval", renewInterval);
    Check.state(
        renewInterval.compareTo(ttl) < 0,
        "renewInterval",
        Durations.format(renewInterval),
        "< ttl " + Durations.format(ttl));
    Check.positive("pollInterval", pollInterval);
    staticNodes = staticNodes == null ? List.of() : List.copyOf(staticNodes);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < staticNodes.size(); i++) {
      String id = staticNodes.get(i).serverId();
      Check.state(ids.add(id), "staticNodes[" + i + "].serverId", id, "unique");
    }
    Check.state(
        MEMORY.equals(backend) || staticNodes.isEmpty(),
        "staticNodes",
        staticNodes.size() + " nodes",
        "none with backend redis");
  }

  /** In-process, 30 s TTL renewed every 10 s, polled every 2 s; Redis on localhost when chosen. */
  /**
   * The production registry: Redis, with the default timings; what a service started alone uses.
   */
  public static RegistryConfig redisDefaults() {
    return defaults().withBackend(REDIS);
  }

  /** The same settings on {@code otherBackend} ({@value #REDIS} or {@value #MEMORY}). */
  public RegistryConfig withBackend(String otherBackend) {
    return new RegistryConfig(otherBackend, redis, ttl, renewInterval, pollInterval, staticNodes);
  }

  public static RegistryConfig defaults() {
    return new RegistryConfig(
        MEMORY,
        RedisEndpoint.local("herald:registry"),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        List.of());
  }

  /**
   * A Comet listed in config; it is always UP with no connections.
   *
   * @param latitude decimal degrees; 0 when omitted (regions not used)
   * @param longitude decimal degrees; 0 when omitted
   * @param weight relative weight within its region, default 10
   * @param capacity connections it is sized for
   */
  public record StaticNode(
      String serverId,
      String region,
      Double latitude,
      Double longitude,
      Integer weight,
      String tcp,
      String ws,
      String wss,
      String grpc,
      Long capacity) {
    public StaticNode {
      Check.notBlank("serverId", serverId);
      region = region == null ? "" : region;
      latitude = latitude == null ? 0.0 : latitude;
      longitude = longitude == null ? 0.0 : longitude;
      Check.inRange("latitude", (double) latitude, -90.0, 90.0);
      Check.inRange("longitude", (double) longitude, -180.0, 180.0);
      weight = weight == null ? 10 : weight;
      Check.inRange("weight", (int) weight, 0, Integer.MAX_VALUE);
      tcp = tcp == null ? "" : tcp;
      ws = ws == null ? "" : ws;
      wss = wss == null ? "" : wss;
      Check.notBlank("grpc", grpc);
      Check.notNull("capacity", capacity);
      Check.positive("capacity", (long) capacity);
    }

    /** The record readers see for this node. */
    public CometNode toCometNode() {
      return CometNode.newBuilder()
          .setServerId(serverId)
          .setRegion(region)
          .setLatitude(latitude)
          .setLongitude(longitude)
          .setWeight(weight)
          .setTcpAddress(tcp)
          .setWsAddress(ws)
          .setWssAddress(wss)
          .setGrpcAddress(grpc)
          .setCapacity(capacity)
          .setState(NodeState.NODE_STATE_UP)
          .build();
    }
  }
}
