package io.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckTest {
  private static final Set<String> RESERVED = Set.of("acks", "enable.idempotence");

  @Test
  void passThroughPropertiesMayNotOverrideReservedOnes() {
    assertThatThrownBy(
            () ->
                Check.notOverriding("properties", Map.of("acks", "1", "linger.ms", "5"), RESERVED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("properties: acks (expected: none of acks, enable.idempotence)");
  }

  @Test
  void otherPropertiesAreKeptInAnImmutableCopy() {
    Map<String, String> given = new HashMap<>(Map.of("linger.ms", "5"));

    Map<String, String> kept = Check.notOverriding("properties", given, RESERVED);
    given.put("acks", "0");

    assertThat(kept).containsExactly(Map.entry("linger.ms", "5"));
    assertThat(Check.notOverriding("properties", null, RESERVED)).isEmpty();
  }

  @Test
  void httpUrlsNameAHostOverHttpOrHttps() {
    assertThat(Check.httpUrl("url", "https://biz.example/auth"))
        .isEqualTo("https://biz.example/auth");
    assertThat(Check.httpUrl("url", "HTTP://10.0.0.1:8080")).isEqualTo("HTTP://10.0.0.1:8080");
    for (String bad :
        new String[] {"ftp://biz/auth", "biz.example/auth", "http:///x", "http://a b"}) {
      assertThatThrownBy(() -> Check.httpUrl("url", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("url: " + bad + " (expected: an http:// or https:// URL)");
    }
  }
}
