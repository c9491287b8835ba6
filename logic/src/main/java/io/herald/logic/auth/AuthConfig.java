package io.herald.logic.auth;

import io.herald.config.Check;

/**
 * How Logic authenticates connections; Logic's config holds it under {@code auth}.
 *
 * @param mode {@value #JWT} (the production default: verify a signed token), {@value #WEBHOOK} (ask
 *     the business service over HTTP) or {@value #TRUST} (goim's behaviour: believe the mid the
 *     client sends; refused unless {@code allowTrust} is true)
 * @param allowTrust must be {@code true} for mode {@value #TRUST}: a deliberate opt-in, since that
 *     mode lets any client claim any user id; default false
 * @param allowTrustBeyondLoopback whether mode {@value #TRUST} may serve more than this machine:
 *     while false (the default) Logic refuses to listen on anything but a loopback address ({@code
 *     server.host}) in that mode, and the trust authenticator refuses clients whose address is not
 *     loopback (a Comet listening on every interface would otherwise let anyone in); true forces
 *     trust onto the network, which lets anyone who reaches a Comet claim any user
 * @param jwt the {@value #JWT} mode's keys and claim checks
 * @param webhook the {@value #WEBHOOK} mode's endpoint, timeout and answer cache
 */
public record AuthConfig(
    String mode,
    boolean allowTrust,
    boolean allowTrustBeyondLoopback,
    JwtConfig jwt,
    WebhookConfig webhook) {
  public static final String JWT = "jwt";
  public static final String WEBHOOK = "webhook";
  public static final String TRUST = "trust";

  public AuthConfig {
    Check.state(
        JWT.equals(mode) || WEBHOOK.equals(mode) || TRUST.equals(mode),
        "mode",
        mode,
        "jwt, webhook or trust");
    Check.state(
        !TRUST.equals(mode) || allowTrust,
        "mode",
        mode,
        "jwt or webhook; trust lets any client claim any mid, set allowTrust: true as well to"
            + " enable it, for development and standalone only");
    jwt = jwt == null ? JwtConfig.defaults() : jwt;
    webhook = webhook == null ? WebhookConfig.defaults() : webhook;
  }

  /** Mode {@value #JWT} with no key yet: a deployment sets one of its key sources. */
  public static AuthConfig defaults() {
    return new AuthConfig(JWT, false, false, JwtConfig.defaults(), WebhookConfig.defaults());
  }

  /** Mode {@value #JWT} with these keys and checks. */
  public static AuthConfig jwt(JwtConfig jwt) {
    return new AuthConfig(JWT, false, false, jwt, WebhookConfig.defaults());
  }

  /** Mode {@value #WEBHOOK} with this endpoint. */
  public static AuthConfig webhook(WebhookConfig webhook) {
    return new AuthConfig(WEBHOOK, false, false, JwtConfig.defaults(), webhook);
  }

  /**
   * Mode {@value #TRUST}, enabled for loopback only: for {@code herald standalone} and development.
   */
  public static AuthConfig trustForDevelopment() {
    return new AuthConfig(TRUST, true, false, JwtConfig.defaults(), WebhookConfig.defaults());
  }

  /** Whether this is mode {@value #TRUST} kept to loopback (not forced beyond it). */
  public boolean trustOnLoopbackOnly() {
    return TRUST.equals(mode) && !allowTrustBeyondLoopback;
  }
}
