package io.herald.balancer.rank;

/**
 * Great-circle distance on a spherical Earth by the haversine formula.
 *
 * <p>The sphere's error against the WGS-84 ellipsoid is under 0.5 %, far below what matters for
 * choosing the nearest region. The haversine form stays accurate for short distances, where the
 * spherical law of cosines loses precision.
 */
public final class GreatCircle {

  /** The mean Earth radius (IUGG), in kilometres. */
  public static final double EARTH_RADIUS_KM = 6371.0088;

  private GreatCircle() {}

  /** The distance between {@code a} and {@code b} along the Earth's surface, in kilometres. */
  public static double distanceKm(GeoPoint a, GeoPoint b) {
    double phi1 = Math.toRadians(a.latitude());
    double phi2 = Math.toRadians(b.latitude());
    double halfDeltaPhi = (phi2 - phi1) / 2;
    double halfDeltaLambda = Math.toRadians(b.longitude() - a.longitude()) / 2;
    double sinPhi = Math.sin(halfDeltaPhi);
    double sinLambda = Math.sin(halfDeltaLambda);
    double h = sinPhi * sinPhi + Math.cos(phi1) * Math.cos(phi2) * sinLambda * sinLambda;
    // Rounding can push h a hair past 1 for antipodal points; asin would return NaN.
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1.0, h)));
  }
}
