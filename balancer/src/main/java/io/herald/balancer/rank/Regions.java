package io.herald.balancer.rank;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured regions, by name. Immutable; may be empty (then every node places itself). */
public final class Regions {

  private static final Regions NONE = new Regions(Map.of());

  private static final Regions EXAMPLE =
      of(
          List.of(
              Region.of("cn-north", 39.9, 116.4), // Beijing
              Region.of("cn-east", 31.2, 121.5), // Shanghai
              Region.of("cn-south", 23.1, 113.3), // Guangzhou / Shenzhen
              Region.of("cn-west", 30.7, 104.1), // Chengdu
              Region.of("hk", 22.3, 114.2), // Hong Kong
              Region.of("jp", 35.7, 139.7), // Tokyo
              Region.of("us-west", 37.8, -122.4), // San Francisco Bay Area
              Region.of("us-east", 39.0, -77.5), // Northern Virginia (Ashburn)
              Region.of("eu", 50.1, 8.7))); // Frankfurt

  private final Map<String, Region> byName;

  private Regions(Map<String, Region> byName) {
    this.byName = byName;
  }

  /**
   * The given regions; throws {@link IllegalArgumentException} if two share a name. Iteration order
   * is the given order.
   */
  public static Regions of(Collection<Region> regions) {
    Map<String, Region> byName = new LinkedHashMap<>();
    for (Region region : regions) {
      if (byName.putIfAbsent(region.name(), region) != null) {
        throw new IllegalArgumentException(
            "regions: duplicate name '" + region.name() + "' (expected: unique names)");
      }
    }
    return new Regions(Collections.unmodifiableMap(byName));
  }

  /** No regions configured. */
  public static Regions none() {
    return NONE;
  }

  /**
   * The regions of goim's seed, at approximate coordinates of their usual data-centre cities:
   * cn-north (Beijing), cn-east (Shanghai), cn-south (Guangzhou/Shenzhen), cn-west (Chengdu), hk,
   * jp (Tokyo), us-west (Bay Area), us-east (Ashburn), eu (Frankfurt). For examples and tests.
   */
  public static Regions example() {
    return EXAMPLE;
  }

  public Optional<Region> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The region nearest to {@code point}; ties go to the earlier-configured region. */
  public Optional<Region> nearest(GeoPoint point) {
    return byName.values().stream()
        .min(Comparator.comparingDouble(region -> region.location().distanceKm(point)));
  }

  /** All regions, in configured order. */
  public List<Region> all() {
    return List.copyOf(byName.values());
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  @Override
  public String toString() {
    return "Regions" + byName.keySet();
  }
}
