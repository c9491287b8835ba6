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
          case AuthConfig.JWT -> JwtAuthenticator.load(config.jwt(), clock, registry);
          case AuthConfig.WEBHOOK -> webhook(config.webhook());
          case AuthConfig.TRUST ->
              new TrustAuthenticator(config.allowTrust(), config.allowTrustBeyondLoopback());
          default -> throw new ConfigException("auth.mode: " + config.mode() + " (unknown)");
        };
    return new MeteredAuthenticator(chosen, config.mode(), registry);
  }

  /**
   * Checks that the chosen mode has what it needs, as {@link #create} would, without building it:
   * mode {@code jwt} reads and parses its key files, mode {@code webhook} needs a URL. What a
   * launcher runs before it waits for servers, so a config that cannot start fails at once.
   *
   * @throws ConfigException naming the key at fault
   */
  public static void check(AuthConfig config) {
    switch (config.mode()) {
      case AuthConfig.JWT -> {
        var unused = JwtAuthenticator.load(config.jwt(), Clock.systemUTC());
      }
      case AuthConfig.WEBHOOK -> checkWebhook(config.webhook());
      default -> {}
    }
  }

  private static Authenticator webhook(WebhookConfig config) {
    checkWebhook(config);
    return WebhookAuthenticator.create(config);
  }

  private static void checkWebhook(WebhookConfig config) {
    if (config.url().isEmpty()) {
      throw new ConfigException(
          "auth.webhook.url: empty (expected: the business service's endpoint for mode webhook)");
    }
  }
}
