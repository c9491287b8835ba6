package io.herald.logic.api;

import io.herald.logic.push.PushConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The push API's callers (and the admin console's, with tokens of its own): an {@code
 * Authorization: Bearer <token>} value is accepted if the token is one of the configured ones.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured token, so the time taken tells nothing about how much of a token matched or which one.
 */
public final class BearerTokens {
  private static final String SCHEME = "bearer ";

  private final boolean required;
  private final List<byte[]> digests;

  private BearerTokens(boolean required, List<byte[]> digests) {
    this.required = required;
    this.digests = digests;
  }

  /**
   * The tokens of {@code api}.
   *
   * @throws IllegalArgumentException if a token is required but none is configured
   */
  public static BearerTokens of(PushConfig.Api api) {
    api.checkTokens();
    return new BearerTokens(
        api.requireToken(), api.tokens().stream().map(BearerTokens::digest).toList());
  }

  /**
   * Exactly {@code tokens}, one of which every request must carry (the admin console's).
   *
   * @throws IllegalArgumentException if {@code tokens} is empty
   */
  public static BearerTokens required(List<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("tokens: [] (expected: at least one token)");
    }
    return new BearerTokens(true, tokens.stream().map(BearerTokens::digest).toList());
  }

  /**
   * Why a request with this {@code Authorization} header value is refused; empty if it is let in.
   */
  public Optional<String> reject(String authorization) {
    if (!required) {
      return Optional.empty();
    }
    if (authorization == null || authorization.isBlank()) {
      return Optional.of("missing bearer token (expected: Authorization: Bearer <token>)");
    }
    if (authorization.length() < SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return Optional.of("not a bearer token (expected: Authorization: Bearer <token>)");
    }
    byte[] presented = digest(authorization.substring(SCHEME.length()).strip());
    boolean match = false;
    for (byte[] digest : digests) {
      match |= MessageDigest.isEqual(digest, presented);
    }
    return match ? Optional.empty() : Optional.of("invalid bearer token");
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
