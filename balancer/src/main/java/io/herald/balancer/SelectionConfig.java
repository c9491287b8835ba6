package io.herald.balancer;

import io.herald.balancer.locate.CidrTable;
import io.herald.balancer.locate.ClientLocator;
import io.herald.balancer.rank.RankRequest;
import io.herald.balancer.rank.Region;
import io.herald.balancer.rank.Regions;
import io.herald.config.Check;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How nodes are chosen for clients — shared by the Balancer service and Logic's goim node API.
 *
 * @param limits how many nodes a reply holds by default and at most
 * @param regions the regions nodes run in, with their coordinates
 * @param defaultRegion where an unlocated client is placed; empty for nowhere (then nodes are
 *     ranked by weight and load alone)
 * @param cidrs client network (CIDR) to region; longest prefix wins
 * @param geoipDatabase a MaxMind-format (MMDB) city database file; empty for none
 * @param heartbeat the heartbeat clients are told to use
 * @param backoff the reconnect backoff clients are told to use
 */
public record SelectionConfig(
    Limits limits,
    List<RegionEntry> regions,
    String defaultRegion,
    Map<String, String> cidrs,
    String geoipDatabase,
    ClientHeartbeat heartbeat,
    ClientBackoff backoff) {

  public static SelectionConfig defaults() {
    return new SelectionConfig(
        new Limits(RankRequest.DEFAULT_LIMIT, 20),
        Regions.example().all().stream().map(RegionEntry::of).toList(),
        "",
        Map.of(),
        "",
        ClientHeartbeat.DEFAULT,
        ClientBackoff.DEFAULT);
  }

  public SelectionConfig {
    Check.notNull("limits", limits);
    regions = regions == null ? List.of() : List.copyOf(regions);
    defaultRegion = defaultRegion == null ? "" : defaultRegion.strip();
    cidrs = cidrs == null ? Map.of() : Map.copyOf(cidrs);
    geoipDatabase = geoipDatabase == null ? "" : geoipDatabase.strip();
    Check.notNull("heartbeat", heartbeat);
    Check.notNull("backoff", backoff);
    checkRegions(regions, cidrs, defaultRegion);
  }

  /**
   * What the selector checks when it is built — unique region names, CIDRs that parse, each mapped
   * to a configured region, a configured default region — checked when the config loads instead.
   */
  private static void checkRegions(
      List<RegionEntry> regions, Map<String, String> cidrs, String defaultRegion) {
    Regions ranking = Regions.of(regions.stream().map(RegionEntry::toRegion).toList());
    CidrTable table;
    try {
      table = CidrTable.of(cidrs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^cidr: ", "cidrs: "), e);
    }
    try {
      var unused =
          new ClientLocator(
              ranking,
              table,
              Optional.empty(),
              Optional.of(defaultRegion).filter(name -> !name.isEmpty()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^cidr: ", "cidrs: "), e);
    }
  }

  /** The configured regions as the ranking library takes them. */
  public Regions rankingRegions() {
    return Regions.of(regions.stream().map(RegionEntry::toRegion).toList());
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
      Check.inRange("latitude", latitude, -90.0, 90.0);
      Check.inRange("longitude", longitude, -180.0, 180.0);
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
