package io.herald.balancer.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CidrTableTest {

  private final CidrTable table =
      CidrTable.builder()
          .add("10.0.0.0/8", "cn-north")
          .add("10.1.0.0/16", "cn-east")
          .add("10.1.2.0/24", "cn-south")
          .add("203.0.113.7", "hk")
          .add("2001:db8::/32", "eu")
          .add("2001:db8:1::/48", "us-east")
          .add("::ffff:198.51.100.0/120", "jp")
          .build();

  private Object regionOf(String address) {
    return table.regionOf(IpLiteral.parse(address)).orElse(null);
  }

  @Test
  void longestPrefixWins() {
    assertThat(regionOf("10.9.9.9")).isEqualTo("cn-north");
    assertThat(regionOf("10.1.9.9")).isEqualTo("cn-east");
    assertThat(regionOf("10.1.2.3")).isEqualTo("cn-south");
    assertThat(regionOf("203.0.113.7")).isEqualTo("hk");
    assertThat(regionOf("203.0.113.8")).isNull();
    assertThat(regionOf("11.0.0.1")).isNull();
  }

  @Test
  void matchesIpv6() {
    assertThat(regionOf("2001:db8:ffff::1")).isEqualTo("eu");
    assertThat(regionOf("2001:db8:1:2::3")).isEqualTo("us-east");
    assertThat(regionOf("2001:db9::1")).isNull();
    assertThat(regionOf("::a01:203")).isNull(); // IPv4-compatible, not mapped: not 10.1.2.3
  }

  @Test
  void ipv4MappedAddressesMatchIpv4Entries() throws UnknownHostException {
    assertThat(regionOf("::ffff:10.1.2.3")).isEqualTo("cn-south");
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 9, 9};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(table.regionOf(address)).contains("cn-east");
    // An entry written in mapped form is an IPv4 network.
    assertThat(regionOf("198.51.100.42")).isEqualTo("jp");
  }

  @Test
  void defaultRoutesAndNormalizedEntries() {
    CidrTable catchAll = CidrTable.of(Map.of("0.0.0.0/0", "eu", "::/0", "us-west"));
    assertThat(catchAll.regionOf(IpLiteral.parse("1.2.3.4"))).contains("eu");
    assertThat(catchAll.regionOf(IpLiteral.parse("2400::1"))).contains("us-west");
    assertThat(table.entries())
        .containsEntry("203.0.113.7/32", "hk")
        .containsEntry("198.51.100.0/24", "jp")
        .containsEntry("2001:db8:0:0:0:0:0:0/32", "eu");
    assertThat(CidrTable.empty().regionOf(IpLiteral.parse("1.2.3.4"))).isEmpty();
  }

  @Test
  void rejectsBadEntriesNamingThem() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("10.0.0.0/33", "eu")))
        .withMessage("cidr: 10.0.0.0/33 (expected: a prefix length 0-32)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("2001:db8::/129", "eu")))
        .withMessage("cidr: 2001:db8::/129 (expected: a prefix length 0-128)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("10.1.2.3/8", "eu")))
        .withMessage(
            "cidr: 10.1.2.3/8 (expected: no address bits set past the prefix, as in 10.0.0.0/8)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("intranet.example/8", "eu")))
        .withMessage("cidr: intranet.example/8 (expected: an IPv4 or IPv6 address before the '/')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("10.0.0.0/", "eu")))
        .withMessage("cidr: 10.0.0.0/ (expected: a prefix length 0-32)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(Map.of("10.0.0.0/8", " ")))
        .withMessage("cidr: 10.0.0.0/8 -> ' ' (expected: a region name)");
    Map<String, String> twice = new LinkedHashMap<>();
    twice.put("10.0.0.0/8", "eu");
    twice.put("10.0.0.0/08", "jp");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrTable.of(twice))
        .withMessage(
            "cidr: 10.0.0.0/08 (expected: each network once; 10.0.0.0/8 is already mapped)");
  }
}
