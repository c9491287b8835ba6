package io.herald.logic.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoimNodesTest {

  @Test
  void takesTheHostOfEachAddressForm() {
    assertThat(GoimNodes.host("10.0.0.5:3101")).isEqualTo("10.0.0.5");
    assertThat(GoimNodes.host("comet-1.example:3102")).isEqualTo("comet-1.example");
    assertThat(GoimNodes.host("[2001:db8::1]:3101")).isEqualTo("2001:db8::1");
    assertThat(GoimNodes.host("2001:db8::1")).isEqualTo("2001:db8::1");
    assertThat(GoimNodes.host("comet-1.example")).isEqualTo("comet-1.example");
  }

  @Test
  void portsAreValidated() {
    assertThatThrownBy(() -> new GoimNodes.Config("", 0, 3102, 3103))
        .hasMessage("tcpPort: 0 (expected: 1-65535)");
  }
}
