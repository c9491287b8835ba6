package io.herald.ops.armeria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  /** An IP literal: parsed, never resolved. */
  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getAllByName(literal)[0];
  }

  @Test
  void anAddressInOneOfTheCidrsIsTrusted() throws Exception {
    Predicate<InetAddress> trusted = TrustedProxies.predicate(List.of("10.0.0.0/8", "fd00::/8"));

    assertThat(trusted.test(ip("10.1.2.3"))).isTrue();
    assertThat(trusted.test(ip("fd00::1"))).isTrue();
    assertThat(trusted.test(ip("192.168.0.1"))).isFalse();
  }

  @Test
  void noCidrTrustsNobody() throws Exception {
    assertThat(TrustedProxies.predicate(List.of()).test(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void aMalformedCidrIsRefused() {
    assertThatThrownBy(() -> TrustedProxies.predicate(List.of("10.0.0.0/99")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
