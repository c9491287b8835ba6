package io.herald.balancer.locate;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.herald.balancer.rank.GeoPoint;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A GeoIP database file in MaxMind DB format with City-style records (GeoLite2-City, GeoIP2-City,
 * DB-IP City Lite, ...): the {@code location.latitude} and {@code location.longitude} of an
 * address. The file is memory-mapped when opened and read-only afterwards; lookups are thread-safe
 * and cached. Close it when done; replacing the file means opening a new instance.
 */
public final class GeoIpDatabase implements Closeable {

  private final Path file;
  private final Reader reader;

  private GeoIpDatabase(Path file, Reader reader) {
    this.file = file;
    this.reader = reader;
  }

  /** Opens {@code file}; throws {@link IOException} if it is missing or not a MaxMind DB. */
  public static GeoIpDatabase open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return new GeoIpDatabase(file, new Reader(file.toFile(), new CHMCache()));
  }

  /**
   * Where {@code address} is, if the database knows: empty when no network contains it, the record
   * has no location, or its coordinates are invalid. An IPv6 address in an IPv4-only database is
   * not found. Throws {@link UncheckedIOException} if the file is corrupt.
   */
  public Optional<GeoPoint> locate(InetAddress address) {
    InetAddress ip = IpLiteral.unmapped(address);
    if (ip instanceof Inet6Address && reader.getMetadata().getIpVersion() == 4) {
      return Optional.empty();
    }
    GeoIpRecord.City city;
    try {
      city = reader.get(ip, GeoIpRecord.City.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "GeoIP lookup of " + ip.getHostAddress() + " in " + file + " failed", e);
    }
    if (city == null || city.location() == null) {
      return Optional.empty();
    }
    Double latitude = city.location().latitude();
    Double longitude = city.location().longitude();
    if (latitude == null || longitude == null || !GeoPoint.isValid(latitude, longitude)) {
      return Optional.empty();
    }
    return Optional.of(new GeoPoint(latitude, longitude));
  }

  /** The database type from the file's metadata, e.g. {@code GeoLite2-City}. */
  public String databaseType() {
    return reader.getMetadata().getDatabaseType();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  @Override
  public String toString() {
    return "GeoIpDatabase[" + file + ", " + databaseType() + "]";
  }
}
