package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.herald.config.ConfigException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class AuthenticatorsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double count(String mode, String result) {
    return registry
        .get(MeteredAuthenticator.METER)
        .tag("mode", mode)
        .tag("result", result)
        .counter()
        .count();
  }

  private static AuthBody request(long mid, String token) {
    return new AuthBody(mid, "", "", "web", List.of(), token, "127.0.0.1");
  }

  @Test
  void jwtIsBuiltFromTheConfigAndCounted() throws Exception {
    JwtConfig jwt =
        new JwtConfig(List.of("HS256"), SECRET, "", "", "", "", true, Duration.ofSeconds(30));
    MeteredAuthenticator auth = Authenticators.create(AuthConfig.jwt(jwt), CLOCK, registry);
    String token =
        TokenSigner.sign(
            TokenSigner.secret(SECRET), JWSAlgorithm.HS256, TokenSigner.claims(NOW).build());

    assertThat(auth.mode()).isEqualTo("jwt");
    assertThat(accepted(auth.authenticate(request(0, token)))).isEqualTo(new Identity(42));
    assertThat(refusal(auth.authenticate(request(0, ""))).reason())
        .isEqualTo(AuthException.Reason.UNAUTHENTICATED);
    assertThat(count("jwt", "ok")).isEqualTo(1);
    assertThat(count("jwt", "unauthenticated")).isEqualTo(1);
    assertThat(count("jwt", "forbidden")).isZero();
  }

  @Test
  void theChosenModeMustHaveWhatItNeeds() {
    assertThatThrownBy(() -> Authenticators.create(AuthConfig.defaults(), CLOCK, registry))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.jwt: no key")
        .hasMessageContaining("auth.jwt.secret");
    assertThatThrownBy(
            () ->
                Authenticators.create(
                    AuthConfig.webhook(WebhookConfig.defaults()), CLOCK, registry))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.webhook.url: empty");
  }

  @Test
  void trustIsBuiltOnlyWhenAllowed() throws Exception {
    MeteredAuthenticator trust =
        Authenticators.create(AuthConfig.trustForDevelopment(), CLOCK, registry);

    assertThat(accepted(trust.authenticate(request(12, "")))).isEqualTo(new Identity(12));
    assertThat(count("trust", "ok")).isEqualTo(1);
  }

  @Test
  void webhookIsBuiltWithItsUrl() {
    WebhookConfig webhook =
        new WebhookConfig(
            "http://127.0.0.1:1/auth", Duration.ofSeconds(1), Duration.ofSeconds(1), 10, null);

    assertThat(Authenticators.create(AuthConfig.webhook(webhook), CLOCK, registry).mode())
        .isEqualTo("webhook");
  }

  @Test
  void malformedBodiesAreCountedByParse() {
    MeteredAuthenticator auth =
        Authenticators.create(AuthConfig.trustForDevelopment(), CLOCK, registry);

    assertThat(refusal(() -> auth.parse("[]".getBytes(UTF_8), "10.0.0.1")).reason())
        .isEqualTo(AuthException.Reason.MALFORMED);
    assertThat(auth.parse("{\"mid\":3}".getBytes(UTF_8), "10.0.0.1").mid()).isEqualTo(3);
    assertThat(count("trust", "malformed")).isEqualTo(1);
  }

  @Test
  void refusalsReachTheCallerUnwrappedAndUnexpectedErrorsBecomeUnavailable() {
    Authenticator wrapped =
        request ->
            CompletableFuture.<Identity>supplyAsync(
                () -> {
                  throw new AuthException(AuthException.Reason.FORBIDDEN, "no");
                });
    Authenticator broken =
        request -> {
          throw new IllegalStateException("bug with a secret inside");
        };
    MeteredAuthenticator forbidding = new MeteredAuthenticator(wrapped, "webhook", registry);
    MeteredAuthenticator failing = new MeteredAuthenticator(broken, "webhook", registry);

    Throwable seen = forbidding.authenticate(request(1, "t")).handle((i, e) -> e).join();
    assertThat(seen).isInstanceOf(AuthException.class).isNotInstanceOf(CompletionException.class);
    AuthException unavailable = refusal(failing.authenticate(request(1, "t")));
    assertThat(unavailable.reason()).isEqualTo(AuthException.Reason.UNAVAILABLE);
    assertThat(unavailable.getMessage()).doesNotContain("secret");
    assertThat(count("webhook", "forbidden")).isEqualTo(1);
    assertThat(count("webhook", "unavailable")).isEqualTo(1);
  }

  @Test
  void theMeterCarriesOnlyModeAndResultTags() {
    Authenticators.create(AuthConfig.trustForDevelopment(), CLOCK, registry);

    Collection<Meter> meters = registry.find(MeteredAuthenticator.METER).meters();
    assertThat(meters).hasSize(5);
    assertThat(meters)
        .allSatisfy(
            meter ->
                assertThat(meter.getId().getTags())
                    .extracting(Tag::getKey)
                    .containsExactly("mode", "result"));
    assertThat(meters)
        .extracting(meter -> meter.getId().getTag("result"))
        .containsExactlyInAnyOrder(
            "ok", "malformed", "unauthenticated", "forbidden", "unavailable");
  }
}
