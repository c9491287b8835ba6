package io.herald.logic.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.herald.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The production default: the AUTH body's {@code token} is a JWT signed by the business service
 * (HS256, RS256 or ES256, as {@link JwtConfig} allows); the user id is its {@code sub}. The {@code
 * mid} in the body is ignored. Verification is CPU-only, so the future is complete on return.
 *
 * <p>Refusals are {@code UNAUTHENTICATED} with a message naming the fault: token missing,
 * malformed, algorithm not allowed, no matching key, bad signature, expired, not yet valid, wrong
 * issuer, wrong audience, sub missing or not a user id, too long. A token longer than {@link
 * JwtConfig#maxTokenLength()} is refused before it is parsed, and counted ({@link JwtMetrics}).
 * Unsigned tokens ({@code alg: none}, in any case) never verify: {@code none} is refused by the
 * parser, any other spelling is not an allowed algorithm.
 */
public final class JwtAuthenticator implements Authenticator {
  private final Set<JWSAlgorithm> algorithms;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final JwtClaimsVerifier claims;
  private final int maxTokenLength;
  private final JwtMetrics metrics;

  /**
   * @param fixed the keys that never change: the secret, the PEM file's
   * @param keys the verification keys read at start: {@code fixed} and the JWK set file's
   * @param clock the time {@code exp} and {@code nbf} are checked against
   * @throws IllegalArgumentException if a key is too weak, or none serves an allowed algorithm
   */
  private JwtAuthenticator(
      JwtConfig config, List<JWK> fixed, JWKSet keys, Clock clock, JwtMetrics metrics) {
    this.algorithms =
        config.algorithms().stream()
            .map(JWSAlgorithm::parse)
            .collect(Collectors.toUnmodifiableSet());
    this.maxTokenLength = config.maxTokenLength();
    this.metrics = metrics;
    processor.setJWSKeySelector(new JwtKeys(config, fixed, keys, algorithms, clock, metrics));
    // The claims are checked below, against the injected clock and with client-safe messages.
    processor.setJWTClaimsSetVerifier((claimsSet, context) -> {});
    this.claims = new JwtClaimsVerifier(config, clock);
  }

  /**
   * Reads the key files {@code config} names and builds the authenticator.
   *
   * @throws ConfigException naming the key at fault
   */
  public static JwtAuthenticator load(JwtConfig config, Clock clock) {
    return load(config, clock, JwtMetrics.unregistered());
  }

  /**
   * Reads the key files {@code config} names and builds the authenticator, counting into {@code
   * registry} ({@link JwtMetrics}).
   *
   * @throws ConfigException naming the key at fault
   */
  public static JwtAuthenticator load(JwtConfig config, Clock clock, MeterRegistry registry) {
    return load(config, clock, new JwtMetrics(registry));
  }

  private static JwtAuthenticator load(JwtConfig config, Clock clock, JwtMetrics metrics) {
    JWKSet keys = JwtKeySource.load(config);
    try {
      return new JwtAuthenticator(config, JwtKeySource.fixed(config), keys, clock, metrics);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.jwt: " + e.getMessage(), e);
    }
  }

  @Override
  public CompletableFuture<Identity> authenticate(AuthBody request) {
    try {
      return CompletableFuture.completedFuture(new Identity(verify(request.token())));
    } catch (AuthException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private long verify(String token) {
    if (token.isEmpty()) {
      throw refused("token: missing");
    }
    if (token.length() > maxTokenLength) {
      metrics.oversized();
      throw refused(
          "token: " + token.length() + " characters (expected: at most " + maxTokenLength + ")");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw refused("token: malformed (expected: a signed JWT)");
    }
    if (!algorithms.contains(jwt.getHeader().getAlgorithm())) {
      throw refused("token: algorithm not allowed");
    }
    JWTClaimsSet verified;
    try {
      verified = processor.process(jwt, null);
    } catch (JwtKeySelector.NoMatchingKeyException e) {
      throw refused("token: no key matches its kid");
    } catch (BadJWSException e) {
      throw refused("token: bad signature");
    } catch (BadJOSEException | JOSEException e) {
      throw refused("token: malformed (expected: a signed JWT)");
    }
    return claims.mid(verified);
  }

  private static AuthException refused(String message) {
    return new AuthException(AuthException.Reason.UNAUTHENTICATED, message);
  }
}
