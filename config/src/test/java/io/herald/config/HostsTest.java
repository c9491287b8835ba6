package io.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostsTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true, false",
    "127.0.0.2, true, false",
    "localhost, true, false",
    "LOCALHOST, true, false",
    "::1, true, false",
    "[::1], true, false",
    "::ffff:127.0.0.1, true, false",
    "0.0.0.0, false, true",
    "::, false, true",
    "[::], false, true",
    "10.0.0.1, false, false",
    "192.168.1.20, false, false",
    "fe80::1, false, false",
    "comet.example.com, false, false",
    "localhost.example.com, false, false",
    "999.1.1.1, false, false",
  })
  void tellsLoopbackAndWildcardWithoutALookup(String host, boolean loopback, boolean wildcard) {
    assertThat(Hosts.isLoopback(host)).as("isLoopback(%s)", host).isEqualTo(loopback);
    assertThat(Hosts.isWildcard(host)).as("isWildcard(%s)", host).isEqualTo(wildcard);
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1, 127.0.0.1", "::1, [::1]", "[::1], [::1]", "a.example, a.example"})
  void bracketsIpv6ForAnAddress(String host, String expected) {
    assertThat(Hosts.forAddress(host)).isEqualTo(expected);
  }
}
