package io.herald.balancer.rank;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a client is, as far as the Balancer can tell: the point nodes are ranked from, the
 * configured region nearest to it (if any regions are configured), and how it was found. Only an
 * {@link Source#UNKNOWN} location has no point.
 */
public record ClientLocation(Optional<GeoPoint> point, Optional<String> region, Source source) {

  /** How a client was located, in the order the locator tries the sources. */
  public enum Source {
    /** Latitude and longitude the client sent. */
    COORDINATES,
    /** The client IP matched the configured CIDR → region table. */
    CIDR,
    /** The client IP was found in the GeoIP database. */
    GEOIP,
    /** Nothing matched; the configured default region was used. */
    DEFAULT,
    /** Nothing matched and no default region is configured: regions are not ordered. */
    UNKNOWN
  }

  private static final ClientLocation UNKNOWN =
      new ClientLocation(Optional.empty(), Optional.empty(), Source.UNKNOWN);

  public ClientLocation {
    Objects.requireNonNull(point, "point");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(source, "source");
    if (point.isEmpty() != (source == Source.UNKNOWN)) {
      throw new IllegalArgumentException(
          "point: " + point + " (expected: a point unless the source is UNKNOWN)");
    }
  }

  public static ClientLocation of(GeoPoint point, Optional<String> region, Source source) {
    return new ClientLocation(Optional.of(point), region, source);
  }

  /** A location in {@code region}, at its configured point. */
  public static ClientLocation in(Region region, Source source) {
    return of(region.location(), Optional.of(region.name()), source);
  }

  public static ClientLocation unknown() {
    return UNKNOWN;
  }
}
