package io.herald.logic.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {
  private static final ConfigLoader<AuthConfig> LOADER =
      new ConfigLoader<>(AuthConfig.class, AuthConfig.defaults(), "AUTH");

  @TempDir Path dir;

  private AuthConfig load(String yaml, Map<String, String> env) throws Exception {
    return LOADER.load(Files.writeString(dir.resolve("auth.yaml"), yaml), env).config();
  }

  @Test
  void defaultsAreJwtWithEveryAlgorithmExpiryRequiredAndNoTrust() {
    AuthConfig config = LOADER.load(null, Map.of()).config();

    assertThat(config.mode()).isEqualTo("jwt");
    assertThat(config.allowTrust()).isFalse();
    assertThat(config.jwt().algorithms()).containsExactly("HS256", "RS256", "ES256");
    assertThat(config.jwt().requireExpiry()).isTrue();
    assertThat(config.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.jwt().hasKeySource()).isFalse();
    assertThat(config.webhook().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.webhook().cacheTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.webhook().cacheSize()).isEqualTo(100_000);
  }

  @Test
  void everyKeyLoadsFromYamlAndTheEnvironment() throws Exception {
    AuthConfig config =
        load(
            """
            mode: webhook
            jwt:
              algorithms: [RS256]
              publicKeyPem: /etc/herald/jwt.pem
              jwksFile: /etc/herald/jwks.json
              issuer: https://id.example
              audience: herald
              requireExpiry: false
              clockSkew: 5s
            webhook:
              url: https://biz.example/auth
              timeout: 500ms
              cacheTtl: 1m
              cacheSize: 50
              headers:
                Authorization: Bearer svc
            """,
            Map.of("AUTH_WEBHOOK_TIMEOUT", "750ms"));

    assertThat(config.mode()).isEqualTo("webhook");
    assertThat(config.jwt())
        .isEqualTo(
            new JwtConfig(
                List.of("RS256"),
                "",
                "/etc/herald/jwt.pem",
                "/etc/herald/jwks.json",
                "https://id.example",
                "herald",
                false,
                Duration.ofSeconds(5)));
    assertThat(config.webhook())
        .isEqualTo(
            new WebhookConfig(
                "https://biz.example/auth",
                Duration.ofMillis(750),
                Duration.ofMinutes(1),
                50,
                Map.of("Authorization", "Bearer svc")));
  }

  @Test
  void trustNeedsAllowTrustInTheFileToo() throws Exception {
    assertThatThrownBy(() -> load("mode: trust\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mode: trust (expected: jwt or webhook;")
        .hasMessageContaining("allowTrust: true");

    assertThat(load("mode: trust\nallowTrust: true\n", Map.of()).mode()).isEqualTo("trust");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> load("mode: ldap\n", Map.of()))
        .hasMessageContaining("mode: ldap (expected: jwt, webhook or trust)");
    assertThatThrownBy(() -> load("jwt:\n  secret: short\n", Map.of()))
        .hasMessageContaining("jwt.secret: 5 bytes (expected: at least 32 bytes for HS256)");
    assertThatThrownBy(() -> load("jwt:\n  clockSkew: 1h\n", Map.of()))
        .hasMessageContaining("jwt.clockSkew: 1h (expected: 0s-5m)");
    assertThatThrownBy(() -> load("webhook:\n  url: ftp://biz/auth\n", Map.of()))
        .hasMessageContaining("webhook.url: ftp://biz/auth (expected: an http:// or https:// URL)");
    assertThatThrownBy(() -> load("webhook:\n  timeout: 0s\n", Map.of()))
        .hasMessageContaining("webhook.timeout: 0ms (expected: > 0)");
    assertThatThrownBy(() -> load("webhook:\n  headers:\n    Host: biz\n", Map.of()))
        .hasMessageContaining("webhook.headers.Host: refused");
  }

  @Test
  void toStringShowsNoSecretAndNoHeaderValue() {
    JwtConfig jwt =
        new JwtConfig(
            List.of("HS256"), "s".repeat(40), "", "", "", "", true, Duration.ofSeconds(30));
    WebhookConfig webhook =
        new WebhookConfig(
            "https://biz.example/auth",
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            10,
            Map.of("Authorization", "Bearer svc-secret"));

    assertThat(jwt.toString()).doesNotContain("s".repeat(40)).contains("secret=<redacted>");
    assertThat(webhook.toString())
        .doesNotContain("svc-secret")
        .contains("Authorization=<redacted>");
  }
}
