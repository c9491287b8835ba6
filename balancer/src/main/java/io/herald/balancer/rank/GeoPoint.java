package io.herald.balancer.rank;

import io.herald.config.Check;

/**
 * A point on the Earth in decimal degrees: latitude in [-90, 90], longitude in [-180, 180], both
 * finite.
 */
public record GeoPoint(double latitude, double longitude) {

  public GeoPoint {
    checkLatitude("latitude", latitude);
    checkLongitude("longitude", longitude);
  }

  /**
   * Returns {@code value} if it is a latitude, else throws {@link IllegalArgumentException} naming
   * {@code name}: {@code lat: 91.0 (expected: -90 to 90)}. NaN and infinities are rejected.
   */
  public static double checkLatitude(String name, double value) {
    Check.state(value >= -90 && value <= 90, name, value, "-90 to 90");
    return value;
  }

  /** Like {@link #checkLatitude}, for a longitude in [-180, 180]. */
  public static double checkLongitude(String name, double value) {
    Check.state(value >= -180 && value <= 180, name, value, "-180 to 180");
    return value;
  }

  /** Whether {@code latitude, longitude} would make a valid point. */
  public static boolean isValid(double latitude, double longitude) {
    return latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180;
  }

  /** The great-circle distance to {@code other} in kilometres; see {@link GreatCircle}. */
  public double distanceKm(GeoPoint other) {
    return GreatCircle.distanceKm(this, other);
  }
}
