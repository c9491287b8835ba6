package io.herald.balancer.locate;

import io.herald.balancer.rank.ClientLocation;
import io.herald.balancer.rank.ClientLocation.Source;
import io.herald.balancer.rank.GeoPoint;
import io.herald.balancer.rank.Region;
import io.herald.balancer.rank.Regions;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds where a client is, trying in order:
 *
 * <ol>
 *   <li>{@link Source#COORDINATES}: latitude and longitude the client sent, both or neither,
 *       validated ({@code lat: 91.0 (expected: -90 to 90)}).
 *   <li>{@link Source#CIDR}: the client IP in the CIDR → region table, at that region's point. Any
 *       address may match, private ones included, so an intranet can map its own ranges.
 *   <li>{@link Source#GEOIP}: a public client IP in the GeoIP database, if one is configured.
 *       Private, shared (CGNAT), loopback, link-local and unique-local addresses skip it: it cannot
 *       know where they are.
 *   <li>{@link Source#DEFAULT}: the default region, if one is configured;
 *   <li>otherwise {@link Source#UNKNOWN}.
 * </ol>
 *
 * <p>The location's region is the configured region nearest to the point found (for CIDR and
 * DEFAULT, the region itself). Thread-safe; does no DNS lookups. The GeoIP database stays owned by
 * the caller, who closes it.
 */
public final class ClientLocator {

  private final Regions regions;
  private final CidrTable cidrTable;
  private final Optional<GeoIpDatabase> geoIp;
  private final Optional<Region> defaultRegion;

  /**
   * Throws {@link IllegalArgumentException} if the CIDR table or the default region names a region
   * that {@code regions} does not configure.
   */
  public ClientLocator(
      Regions regions,
      CidrTable cidrTable,
      Optional<GeoIpDatabase> geoIp,
      Optional<String> defaultRegion) {
    this.regions = Objects.requireNonNull(regions, "regions");
    this.cidrTable = Objects.requireNonNull(cidrTable, "cidrTable");
    this.geoIp = Objects.requireNonNull(geoIp, "geoIp");
    cidrTable
        .entries()
        .forEach(
            (cidr, region) -> {
              if (!regions.contains(region)) {
                throw notConfigured("cidr: " + cidr + " -> " + region, regions);
              }
            });
    this.defaultRegion =
        defaultRegion.map(
            name ->
                regions
                    .get(name)
                    .orElseThrow(() -> notConfigured("defaultRegion: " + name, regions)));
  }

  /**
   * Locates a client from optional coordinates and an optional IP literal ({@code 203.0.113.7},
   * {@code 2001:db8::1}, {@code [2001:db8::1]}); null or blank means not given. Throws {@link
   * IllegalArgumentException} for invalid coordinates, only one of them, or an IP that is not a
   * literal.
   */
  public ClientLocation locate(Double lat, Double lon, String clientIp) {
    InetAddress ip = clientIp == null || clientIp.isBlank() ? null : parseIp(clientIp);
    return locate(lat, lon, ip);
  }

  /** Like {@link #locate(Double, Double, String)} with an already parsed IP; null = not given. */
  public ClientLocation locate(Double lat, Double lon, InetAddress clientIp) {
    if (lat != null || lon != null) {
      return coordinates(lat, lon);
    }
    if (clientIp != null) {
      Optional<String> region = cidrTable.regionOf(clientIp);
      if (region.isPresent()) {
        return ClientLocation.in(regions.get(region.get()).orElseThrow(), Source.CIDR);
      }
      if (geoIp.isPresent() && AddressKind.of(clientIp).isPublic()) {
        Optional<GeoPoint> point = geoIp.get().locate(clientIp);
        if (point.isPresent()) {
          return near(point.get(), Source.GEOIP);
        }
      }
    }
    return defaultRegion
        .map(region -> ClientLocation.in(region, Source.DEFAULT))
        .orElse(ClientLocation.unknown());
  }

  private ClientLocation coordinates(Double lat, Double lon) {
    if (lat == null || lon == null) {
      String missing = lat == null ? "lat" : "lon";
      String given = lat == null ? "lon" : "lat";
      throw new IllegalArgumentException(
          missing + ": missing (expected: " + given + " and " + missing + " together)");
    }
    GeoPoint.checkLatitude("lat", lat);
    GeoPoint.checkLongitude("lon", lon);
    return near(new GeoPoint(lat, lon), Source.COORDINATES);
  }

  private ClientLocation near(GeoPoint point, Source source) {
    return ClientLocation.of(point, regions.nearest(point).map(Region::name), source);
  }

  private static InetAddress parseIp(String clientIp) {
    try {
      return IpLiteral.parse(clientIp);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ip: " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException notConfigured(String what, Regions regions) {
    return new IllegalArgumentException(
        what
            + " (expected: a configured region, one of "
            + regions.all().stream().map(Region::name).toList()
            + ")");
  }
}
