package io.herald.logic.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a verified token's claims against {@link JwtConfig} and the injected clock, and reads the
 * user id from {@code sub}. Each refusal names the claim at fault.
 */
final class JwtClaimsVerifier {
  private static final Pattern DECIMAL_INT64 = Pattern.compile("[0-9]{1,19}");

  private final Clock clock;
  private final Duration skew;
  private final boolean requireExpiry;
  private final String issuer;
  private final String audience;

  JwtClaimsVerifier(JwtConfig config, Clock clock) {
    this.clock = clock;
    this.skew = config.clockSkew();
    this.requireExpiry = config.requireExpiry();
    this.issuer = config.issuer();
    this.audience = config.audience();
  }

  /**
   * @return the user id
   * @throws AuthException {@code UNAUTHENTICATED}, naming the claim
   */
  long mid(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      if (requireExpiry) {
        throw refused("token: exp missing (expected: an expiry time)");
      }
    } else if (!now.isBefore(expiry.toInstant().plus(skew))) {
      throw refused("token: expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(skew).isBefore(notBefore.toInstant())) {
      throw refused("token: not yet valid (nbf is in the future)");
    }
    if (!issuer.isEmpty() && !issuer.equals(claims.getIssuer())) {
      throw refused("token: wrong issuer");
    }
    List<String> audiences = claims.getAudience();
    if (!audience.isEmpty() && (audiences == null || !audiences.contains(audience))) {
      throw refused("token: wrong audience");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw refused("token: sub missing (expected: the user id)");
    }
    if (DECIMAL_INT64.matcher(subject).matches()) {
      try {
        return Long.parseLong(subject);
      } catch (NumberFormatException e) {
        // 19 digits past Long.MAX_VALUE: refused below.
      }
    }
    throw refused("token: sub is not a user id (expected: a decimal int64 >= 0)");
  }

  private static AuthException refused(String message) {
    return new AuthException(AuthException.Reason.UNAUTHENTICATED, message);
  }
}
