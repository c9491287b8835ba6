package io.herald.balancer;

import io.herald.balancer.locate.CidrTable;
import io.herald.balancer.locate.ClientLocator;
import io.herald.balancer.locate.GeoIpDatabase;
import io.herald.balancer.rank.NodeRanker;
import io.herald.balancer.rank.Regions;
import io.herald.registry.RegistryView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/** Builds a {@link NodeSelector} from a {@link SelectionConfig}, opening its GeoIP database. */
public final class NodeSelectors {
  private NodeSelectors() {}

  /** A selector and the GeoIP database it reads (close it when done; absent without one). */
  public record Opened(NodeSelector selector, Optional<GeoIpDatabase> geoIp)
      implements AutoCloseable {
    @Override
    public void close() {
      if (geoIp.isPresent()) {
        try {
          geoIp.get().close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * Opens the GeoIP database (if configured) and builds the selector over {@code registry}.
   *
   * @throws UncheckedIOException naming the file when the GeoIP database cannot be opened
   * @throws IllegalArgumentException when the CIDR table or default region names an unconfigured
   *     region
   */
  public static Opened open(SelectionConfig config, RegistryView registry) {
    Optional<GeoIpDatabase> geoIp = openGeoIp(config.geoipDatabase());
    Regions regions = config.rankingRegions();
    NodeSelector selector =
        new NodeSelector(
            new ClientLocator(
                regions,
                CidrTable.of(config.cidrs()),
                geoIp,
                Optional.of(config.defaultRegion()).filter(name -> !name.isEmpty())),
            new NodeRanker(regions),
            registry,
            config.heartbeat(),
            config.backoff(),
            config.limits().defaultNodes(),
            config.limits().maxNodes());
    return new Opened(selector, geoIp);
  }

  private static Optional<GeoIpDatabase> openGeoIp(String file) {
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(GeoIpDatabase.open(Path.of(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "geoipDatabase: " + file + " cannot be opened: " + e.getMessage(), e);
    }
  }
}
