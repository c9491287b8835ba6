package io.herald.balancer.rank;

import io.herald.config.Check;
import java.util.Objects;

/**
 * A configured region: the name Comets register under (e.g. {@code cn-east}) and the point the
 * Balancer measures client distances to, typically the region's main city or data centre.
 */
public record Region(String name, GeoPoint location) {

  public Region {
    Check.notBlank("name", name);
    Check.state(name.strip().equals(name), "name", "'" + name + "'", "no surrounding spaces");
    Objects.requireNonNull(location, "location");
  }

  public static Region of(String name, double latitude, double longitude) {
    return new Region(name, new GeoPoint(latitude, longitude));
  }
}
