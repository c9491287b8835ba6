package io.herald.balancer.locate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressKindTest {

  @ParameterizedTest
  @CsvSource({
    "8.8.8.8, PUBLIC",
    "203.0.113.7, PUBLIC",
    "2001:4860:4860::8888, PUBLIC",
    "10.1.2.3, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "172.32.0.1, PUBLIC",
    "192.168.1.1, PRIVATE",
    "100.64.0.1, SHARED",
    "100.127.255.255, SHARED",
    "100.128.0.1, PUBLIC",
    "100.63.255.255, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.8.9.10, LOOPBACK",
    "::1, LOOPBACK",
    "169.254.1.1, LINK_LOCAL",
    "fe80::1, LINK_LOCAL",
    "fc00::1, UNIQUE_LOCAL",
    "fd12:3456::1, UNIQUE_LOCAL",
    "0.0.0.0, UNSPECIFIED",
    "::, UNSPECIFIED",
    "224.0.0.1, MULTICAST",
    "ff02::1, MULTICAST",
    "::ffff:192.168.0.1, PRIVATE",
  })
  void classifies(String address, AddressKind kind) {
    assertThat(AddressKind.of(IpLiteral.parse(address))).isEqualTo(kind);
    assertThat(kind.isPublic()).isEqualTo(kind == AddressKind.PUBLIC);
  }
}
