package io.herald.balancer.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

  @Test
  void parsesIpv4AndIpv6Literals() {
    assertThat(IpLiteral.parse("203.0.113.7").getHostAddress()).isEqualTo("203.0.113.7");
    assertThat(IpLiteral.parse(" 0.0.0.0 ").getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(IpLiteral.parse("2001:db8::1")).isInstanceOf(Inet6Address.class);
    assertThat(IpLiteral.parse("[2001:DB8::1]")).isEqualTo(IpLiteral.parse("2001:db8::1"));
    assertThat(IpLiteral.parse("::1").isLoopbackAddress()).isTrue();
  }

  @Test
  void ipv4MappedAddressesBecomeIpv4() {
    assertThat(IpLiteral.parse("::ffff:1.2.3.4"))
        .isInstanceOf(Inet4Address.class)
        .isEqualTo(IpLiteral.parse("1.2.3.4"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com",
        "1.2.3",
        "1.2.3.4.",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.-4",
        "0x7f.0.0.1",
        "1.2.3.4/8",
        "fe80::1%eth0",
        "2001:db8::g",
        "2001:db8:::1",
        "[1.2.3.4"
      })
  void rejectsAnythingElseWithoutResolvingIt(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IpLiteral.parse(text))
        .withMessage("'" + text + "' (expected: an IPv4 or IPv6 literal)");
  }
}
