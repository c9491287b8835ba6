package io.herald.balancer.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.herald.balancer.rank.ClientLocation;
import io.herald.balancer.rank.ClientLocation.Source;
import io.herald.balancer.rank.GeoPoint;
import io.herald.balancer.rank.NodeRanker;
import io.herald.balancer.rank.RankRequest;
import io.herald.balancer.rank.Regions;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientLocatorTest {

  private static final Regions REGIONS = Regions.example();
  private static final CidrTable CIDRS =
      CidrTable.of(Map.of("192.168.10.0/24", "cn-west", "2001:db8:1::/48", "eu"));

  @TempDir Path directory;

  private GeoIpDatabase geoIp;
  private ClientLocator locator;

  @BeforeEach
  void open() throws IOException {
    geoIp = GeoIpDatabase.open(TestGeoIpFile.write(directory));
    locator = new ClientLocator(REGIONS, CIDRS, Optional.of(geoIp), Optional.of("us-east"));
  }

  @AfterEach
  void close() throws IOException {
    geoIp.close();
  }

  @Test
  void explicitCoordinatesWin() {
    ClientLocation location = locator.locate(35.0, 139.0, "1.2.3.4");
    assertThat(location.source()).isEqualTo(Source.COORDINATES);
    assertThat(location.point()).contains(new GeoPoint(35.0, 139.0));
    assertThat(location.region()).contains("jp");
  }

  @Test
  void rejectsBadCoordinatesNamingTheParameter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(91.0, 0.0, (String) null))
        .withMessage("lat: 91.0 (expected: -90 to 90)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(0.0, -180.1, (String) null))
        .withMessage("lon: -180.1 (expected: -180 to 180)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(Double.NaN, 0.0, (String) null))
        .withMessage("lat: NaN (expected: -90 to 90)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(0.0, Double.NEGATIVE_INFINITY, (String) null))
        .withMessage("lon: -Infinity (expected: -180 to 180)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(31.2, null, "1.2.3.4"))
        .withMessage("lon: missing (expected: lat and lon together)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(null, 121.5, (String) null))
        .withMessage("lat: missing (expected: lon and lat together)");
  }

  @Test
  void cidrTableMatchesPrivateAndPublicAddresses() {
    assertThat(locator.locate(null, null, "192.168.10.20"))
        .isEqualTo(ClientLocation.in(REGIONS.get("cn-west").orElseThrow(), Source.CIDR));
    // The CIDR table is asked before GeoIP, which would say Tokyo.
    assertThat(locator.locate(null, null, "2001:db8:1::5").region()).contains("eu");
  }

  @Test
  void publicAddressesAreLocatedByGeoIp() {
    ClientLocation location = locator.locate(null, null, "1.2.3.4");
    assertThat(location.source()).isEqualTo(Source.GEOIP);
    assertThat(location.point()).contains(new GeoPoint(31.23, 121.47));
    assertThat(location.region()).contains("cn-east");
    assertThat(locator.locate(null, null, "::ffff:5.6.7.8").region()).contains("eu");
  }

  @Test
  void privateAddressesDoNotConsultGeoIp() {
    // The test database does place 10/8 (in Tokyo); the locator must not ask it.
    assertThat(geoIp.locate(IpLiteral.parse("10.9.9.9"))).isPresent();
    for (String ip : List.of("10.9.9.9", "192.168.1.1", "127.0.0.1", "100.64.1.1", "fd00::1")) {
      assertThat(locator.locate(null, null, ip).source()).as(ip).isEqualTo(Source.DEFAULT);
    }
  }

  @Test
  void fallsBackToTheDefaultRegionThenToUnknown() {
    ClientLocation fallback = locator.locate(null, null, "8.8.8.8");
    assertThat(fallback)
        .isEqualTo(ClientLocation.in(REGIONS.get("us-east").orElseThrow(), Source.DEFAULT));
    assertThat(locator.locate(null, null, " ")).isEqualTo(fallback);
    assertThat(locator.locate(null, null, (String) null)).isEqualTo(fallback);

    ClientLocator bare =
        new ClientLocator(REGIONS, CidrTable.empty(), Optional.empty(), Optional.empty());
    assertThat(bare.locate(null, null, "1.2.3.4")).isEqualTo(ClientLocation.unknown());
    assertThat(bare.locate(null, null, "1.2.3.4").point()).isEmpty();
  }

  @Test
  void rejectsIpsThatAreNotLiterals() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> locator.locate(null, null, "client.example"))
        .withMessage("ip: 'client.example' (expected: an IPv4 or IPv6 literal)");
  }

  @Test
  void rejectsRegionsThatAreNotConfigured() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new ClientLocator(
                    REGIONS,
                    CidrTable.of(Map.of("10.0.0.0/8", "mars")),
                    Optional.empty(),
                    Optional.empty()))
        .withMessageStartingWith(
            "cidr: 10.0.0.0/8 -> mars (expected: a configured region, one of [");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientLocator(REGIONS, CIDRS, Optional.empty(), Optional.of("moon")))
        .withMessageStartingWith("defaultRegion: moon (expected: a configured region");
  }

  @Test
  void locatedClientsGetNearbyNodesFirst() {
    List<CometNode> snapshot =
        REGIONS.all().stream()
            .map(
                region ->
                    CometNode.newBuilder()
                        .setServerId("comet-" + region.name())
                        .setRegion(region.name())
                        .setWeight(10)
                        .setCapacity(100)
                        .setState(NodeState.NODE_STATE_UP)
                        .setTcpAddress(region.name() + ":3101")
                        .build())
            .toList();
    NodeRanker ranker = new NodeRanker(REGIONS);

    List<CometNode> ranked =
        ranker.rank(
            locator.locate(null, null, "5.6.7.8"), snapshot, RankRequest.of("android", "5.6.7.8"));

    assertThat(ranked).hasSize(5);
    assertThat(ranked.get(0).getRegion()).isEqualTo("eu");
  }
}
