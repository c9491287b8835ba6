package io.herald.balancer.locate;

import io.herald.balancer.locate.MmdbWriter.U16;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A City-style test database:
 *
 * <ul>
 *   <li>1.2.3.0/24 → Shanghai (31.23, 121.47)
 *   <li>5.6.0.0/16 → Frankfurt (50.11, 8.68)
 *   <li>2001:db8:1::/48 → Tokyo (35.68, 139.69)
 *   <li>10.0.0.0/8 → Tokyo too: a private range GeoIP must not be asked about
 *   <li>9.9.9.0/24 → a record with a country but no location
 * </ul>
 *
 * Anything else, such as 8.8.8.8, misses.
 */
final class TestGeoIpFile {

  static final String DATABASE_TYPE = "Herald-Test-City";

  private TestGeoIpFile() {}

  static Path write(Path directory) throws IOException {
    Path file = directory.resolve("test-city.mmdb");
    new MmdbWriter()
        .insert("1.2.3.0/24", city("Shanghai", "CN", 31.23, 121.47))
        .insert("5.6.0.0/16", city("Frankfurt am Main", "DE", 50.11, 8.68))
        .insert("2001:db8:1::/48", city("Tokyo", "JP", 35.68, 139.69))
        .insert("10.0.0.0/8", city("Tokyo", "JP", 35.68, 139.69))
        .insert("9.9.9.0/24", Map.of("country", Map.of("iso_code", "US")))
        .write(file, DATABASE_TYPE);
    return file;
  }

  /** A record shaped like GeoLite2-City's, with fields the reader must skip. */
  private static Map<String, Object> city(
      String name, String country, double latitude, double longitude) {
    Map<String, Object> location = new LinkedHashMap<>();
    location.put("accuracy_radius", new U16(50));
    location.put("latitude", latitude);
    location.put("longitude", longitude);
    location.put("time_zone", "Etc/UTC");
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("city", Map.of("names", Map.of("en", name)));
    record.put("country", Map.of("iso_code", country));
    record.put("location", location);
    record.put("subdivisions", List.of(Map.of("iso_code", "XX")));
    return record;
  }
}
