package io.herald.balancer.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import io.herald.balancer.rank.GeoPoint;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoIpDatabaseTest {

  @TempDir Path directory;

  private GeoIpDatabase database;

  @BeforeEach
  void open() throws IOException {
    database = GeoIpDatabase.open(TestGeoIpFile.write(directory));
  }

  @AfterEach
  void close() throws IOException {
    database.close();
  }

  @Test
  void locatesIpv4Networks() {
    assertThat(database.locate(IpLiteral.parse("1.2.3.4"))).contains(new GeoPoint(31.23, 121.47));
    assertThat(database.locate(IpLiteral.parse("1.2.3.255"))).contains(new GeoPoint(31.23, 121.47));
    assertThat(database.locate(IpLiteral.parse("5.6.200.1"))).contains(new GeoPoint(50.11, 8.68));
  }

  @Test
  void locatesIpv6AndIpv4MappedAddresses() throws IOException {
    assertThat(database.locate(IpLiteral.parse("2001:db8:1:ffff::9")))
        .contains(new GeoPoint(35.68, 139.69));
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(database.locate(address)).contains(new GeoPoint(31.23, 121.47));
  }

  @Test
  void missesAddressesOutsideTheDatabaseAndRecordsWithoutLocation() {
    assertThat(database.locate(IpLiteral.parse("8.8.8.8"))).isEmpty();
    assertThat(database.locate(IpLiteral.parse("1.2.4.1"))).isEmpty();
    assertThat(database.locate(IpLiteral.parse("2001:db8:2::1"))).isEmpty();
    assertThat(database.locate(IpLiteral.parse("9.9.9.9"))).isEmpty();
  }

  @Test
  void exposesItsMetadata() {
    assertThat(database.databaseType()).isEqualTo(TestGeoIpFile.DATABASE_TYPE);
    assertThat(database.toString()).contains("test-city.mmdb", TestGeoIpFile.DATABASE_TYPE);
  }

  @Test
  void refusesFilesThatAreNotMaxMindDatabases() throws IOException {
    Path bogus = Files.writeString(directory.resolve("bogus.mmdb"), "not a database");
    assertThatIOException().isThrownBy(() -> GeoIpDatabase.open(bogus));
    assertThatIOException().isThrownBy(() -> GeoIpDatabase.open(directory.resolve("missing")));
  }
}
