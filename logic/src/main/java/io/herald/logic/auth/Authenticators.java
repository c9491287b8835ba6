package io.herald.logic.auth;

import io.herald.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Builds the authenticator {@link AuthConfig#mode()} chooses, with its metrics. */
public final class Authenticators {
  private Authenticators() {}

  /**
   * Builds and meters the configured authenticator. Mode {@code jwt} reads its key files here.
   *
   * @param clock the time JWT expiry is checked against
   * @throws ConfigException if the chosen mode lacks what it needs (jwt: a key; webhook: a URL),
   *     naming the key
   * @throws IllegalStateException for mode trust without {@code allowTrust}
   */
  public static MeteredAuthenticator create(
      AuthConfig config, Clock clock, MeterRegistry registry) {
    Authenticator chosen =
        switch (config.mode()) {
          case AuthConfig.JWT -> JwtAuthenticator.load(config.jwt(), clock);
          case AuthConfig.WEBHOOK -> webhook(config.webhook());
          case AuthConfig.TRUST -> new TrustAuthenticator(config.allowTrust());
          default -> throw new ConfigException("auth.mode: " + config.mode() + " (unknown)");
        };
    return new MeteredAuthenticator(chosen, config.mode(), registry);
  }

  private static Authenticator webhook(WebhookConfig config) {
    if (config.url().isEmpty()) {
      throw new ConfigException(
          "auth.webhook.url: empty (expected: the business service's endpoint for mode webhook)");
    }
    return WebhookAuthenticator.create(config);
  }
}
