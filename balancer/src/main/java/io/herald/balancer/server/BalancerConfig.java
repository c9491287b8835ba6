package io.herald.balancer.server;

import io.herald.balancer.ClientBackoff;
import io.herald.balancer.ClientHeartbeat;
import io.herald.balancer.rank.RankRequest;
import io.herald.balancer.rank.Region;
import io.herald.balancer.rank.Regions;
import io.herald.config.Check;
import io.herald.registry.RegistryConfig;
import java.util.List;
import java.util.Map;

/**
 * The Balancer service's configuration (YAML, overridden by {@code BALANCER_*} variables).
 *
 * @param server where it listens (HTTP and gRPC share the port) and which proxies it trusts
 * @param limits how many nodes a reply holds by default and at most
 * @param regions the regions nodes run in, with their coordinates
 * @param defaultRegion where an unlocated client is placed; empty for nowhere (then nodes are
 *     ranked by weight and load alone)
 * @param cidrs client network (CIDR) to region; longest prefix wins
 * @param geoipDatabase a MaxMind-format (MMDB) city database file; empty for none
 * @param heartbeat the heartbeat clients are told to use
 * @param backoff the reconnect backoff clients are told to use
 * @param registry where the Comets are registered
 */
public record BalancerConfig(
    Server server,
    Limits limits,
    List<RegionEntry> regions,
    String defaultRegion,
    Map<String, String> cidrs,
    String geoipDatabase,
    ClientHeartbeat heartbeat,
    ClientBackoff backoff,
    RegistryConfig registry) {

  /** Herald's Balancer port (goim has no Balancer); HTTP {@code /nodes} and gRPC together. */
  public static final int DEFAULT_PORT = 3131;

  public static BalancerConfig defaults() {
    return new BalancerConfig(
        new Server("0.0.0.0", DEFAULT_PORT, List.of()),
        new Limits(RankRequest.DEFAULT_LIMIT, 20),
        Regions.example().all().stream().map(RegionEntry::of).toList(),
        "",
        Map.of(),
        "",
        ClientHeartbeat.DEFAULT,
        ClientBackoff.DEFAULT,
        productionRegistry());
  }

  /** Started alone, the Balancer reads the production registry: Redis. */
  private static RegistryConfig productionRegistry() {
    RegistryConfig base = RegistryConfig.defaults();
    return new RegistryConfig(
        RegistryConfig.REDIS,
        base.redis(),
        base.ttl(),
        base.renewInterval(),
        base.pollInterval(),
        List.of());
  }

  public BalancerConfig {
    Check.notNull("server", server);
    Check.notNull("limits", limits);
    regions = regions == null ? List.of() : List.copyOf(regions);
    defaultRegion = defaultRegion == null ? "" : defaultRegion.strip();
    cidrs = cidrs == null ? Map.of() : Map.copyOf(cidrs);
    geoipDatabase = geoipDatabase == null ? "" : geoipDatabase.strip();
    Check.notNull("heartbeat", heartbeat);
    Check.notNull("backoff", backoff);
    Check.notNull("registry", registry);
  }

  /** The configured regions as the ranking library takes them. */
  public Regions rankingRegions() {
    return Regions.of(regions.stream().map(RegionEntry::toRegion).toList());
  }

  /**
   * Where the Balancer listens.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port HTTP and gRPC port; 0 binds a free one (tests)
   * @param trustedProxies CIDRs of proxies whose {@code X-Forwarded-For} names the client; from
   *     anyone else the header is ignored and the connection's address is the client's
   */
  public record Server(String host, int port, List<String> trustedProxies) {
    public Server {
      Check.notBlank("host", host);
      Check.inRange("port", port, 0, 65535);
      trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
  }

  /**
   * How many nodes a reply holds.
   *
   * @param defaultNodes nodes per reply when the client asks for no number
   * @param maxNodes the most a client may ask for
   */
  public record Limits(int defaultNodes, int maxNodes) {
    public Limits {
      Check.inRange("maxNodes", maxNodes, 1, RankRequest.MAX_LIMIT);
      Check.inRange("defaultNodes", defaultNodes, 1, maxNodes);
    }
  }

  /** A region: a name and where it is, in decimal degrees. */
  public record RegionEntry(String name, double latitude, double longitude) {
    public RegionEntry {
      Check.notBlank("name", name);
    }

    static RegionEntry of(Region region) {
      return new RegionEntry(
          region.name(), region.location().latitude(), region.location().longitude());
    }

    Region toRegion() {
      return Region.of(name, latitude, longitude);
    }
  }
}
