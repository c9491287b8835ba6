package io.herald.balancer.locate;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;

/**
 * The part of a City-style MaxMind DB record the Balancer reads: {@code location.latitude} and
 * {@code location.longitude}. The reader skips every other field without decoding it. The types are
 * public because the reader instantiates them reflectively; they are not API.
 */
final class GeoIpRecord {

  private GeoIpRecord() {}

  /** A record's top-level map; {@code location} is null when the record has none. */
  public record City(Location location) {
    @MaxMindDbConstructor
    public City(@MaxMindDbParameter(name = "location") Location location) {
      this.location = location;
    }
  }

  /** The {@code location} map; either coordinate is null when absent. */
  public record Location(Double latitude, Double longitude) {
    @MaxMindDbConstructor
    public Location(
        @MaxMindDbParameter(name = "latitude") Double latitude,
        @MaxMindDbParameter(name = "longitude") Double longitude) {
      this.latitude = latitude;
      this.longitude = longitude;
    }
  }
}
