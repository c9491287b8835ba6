package io.herald.balancer;

import io.herald.balancer.rank.GeoPoint;

/**
 * One client's request for nodes, as the transports parsed it.
 *
 * @param platform the client's platform ({@code web}, {@code android}, ...); may be empty
 * @param latitude explicit latitude, or {@code null}
 * @param longitude explicit longitude, or {@code null}; given together with latitude
 * @param clientIp the client's address as text (from the connection or a trusted proxy header)
 * @param limit how many nodes at most; 0 means the configured default
 */
public record NodeQuery(
    String platform, Double latitude, Double longitude, String clientIp, int limit) {

  /**
   * Validates the query.
   *
   * @throws IllegalArgumentException naming the parameter: one of lat/lon without the other,
   *     coordinates out of range, a negative limit
   */
  public NodeQuery {
    platform = platform == null ? "" : platform.strip();
    clientIp = clientIp == null ? "" : clientIp.strip();
    if ((latitude == null) != (longitude == null)) {
      throw new IllegalArgumentException(
          (latitude == null ? "lat" : "lon") + ": missing (expected: lat and lon together)");
    }
    if (latitude != null) {
      GeoPoint.checkLatitude("lat", latitude);
      GeoPoint.checkLongitude("lon", longitude);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
  }
}
