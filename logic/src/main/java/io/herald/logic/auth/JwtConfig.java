package io.herald.logic.auth;

import io.herald.config.Check;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The {@code jwt} mode: which tokens verify, with which keys, and which claims they must carry. The
 * user id is the token's {@code sub}, a decimal int64 {@code >= 0}.
 *
 * <p>Key sources (at least one for mode {@code jwt}; they may be combined): an HMAC {@code secret}
 * for HS256, a {@code publicKeyPem} file (an RSA key for RS256 or a P-256 EC key for ES256), a
 * {@code jwksFile} (a JSON Web Key Set; keys chosen by the token's {@code kid}). A key with no
 * {@code kid} (the secret, the PEM key) is tried whatever {@code kid} a token names.
 *
 * @param algorithms the algorithms tokens may be signed with: some of HS256, RS256, ES256; default
 *     all three (a token's algorithm must also fit the key: an HS256 token never verifies against
 *     an RSA or EC key)
 * @param secret the HMAC secret, its UTF-8 bytes used as the key: at least 32 bytes; empty for none
 * @param publicKeyPem path of a PEM file holding the public key (or a certificate); empty for none
 * @param jwksFile path of a JWK set file; empty for none
 * @param issuer the {@code iss} tokens must carry; empty to accept any
 * @param audience a value tokens' {@code aud} must contain; empty to accept any
 * @param requireExpiry whether a token without {@code exp} is refused; default true
 * @param clockSkew tolerance applied to {@code exp} and {@code nbf}: 0s to 5m, default 30s
 * @param maxTokenLength the longest token, in characters, looked at: a longer one is refused before
 *     it is parsed (256 to 4096, the AUTH body's own limit; default 4096)
 * @param jwksRefresh how often the {@code jwksFile} is read again, so a rotated key set takes
 *     effect without a restart (1s to 1d, default 5m); a token naming an unknown {@code kid} also
 *     has it read again, at most once per {@link #UNKNOWN_KID_REFRESH}
 */
public record JwtConfig(
    List<String> algorithms,
    String secret,
    String publicKeyPem,
    String jwksFile,
    String issuer,
    String audience,
    boolean requireExpiry,
    Duration clockSkew,
    int maxTokenLength,
    Duration jwksRefresh) {

  /** The algorithms Herald verifies. */
  public static final List<String> SUPPORTED_ALGORITHMS = List.of("HS256", "RS256", "ES256");

  /** HS256 needs a key as long as its hash: 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  /** The longest token allowed: the AUTH body's limit ({@link AuthBodyParser#MAX_BODY_BYTES}). */
  public static final int MAX_TOKEN_LENGTH = AuthBodyParser.MAX_BODY_BYTES;

  /** The least time between two reads of the JWK set caused by tokens naming an unknown kid. */
  public static final Duration UNKNOWN_KID_REFRESH = Duration.ofSeconds(10);

  /** The defaults of {@link #maxTokenLength()} and {@link #jwksRefresh()}. */
  public JwtConfig(
      List<String> algorithms,
      String secret,
      String publicKeyPem,
      String jwksFile,
      String issuer,
      String audience,
      boolean requireExpiry,
      Duration clockSkew) {
    this(
        algorithms,
        secret,
        publicKeyPem,
        jwksFile,
        issuer,
        audience,
        requireExpiry,
        clockSkew,
        MAX_TOKEN_LENGTH,
        Duration.ofMinutes(5));
  }

  public JwtConfig {
    Check.state(
        algorithms != null && !algorithms.isEmpty(),
        "algorithms",
        "[]",
        "some of " + SUPPORTED_ALGORITHMS);
    for (int i = 0; i < algorithms.size(); i++) {
      String algorithm = algorithms.get(i);
      Check.state(
          SUPPORTED_ALGORITHMS.contains(algorithm),
          "algorithms[" + i + "]",
          algorithm,
          "one of " + SUPPORTED_ALGORITHMS);
    }
    algorithms = List.copyOf(algorithms);
    secret = secret == null ? "" : secret;
    int secretBytes = secret.getBytes(StandardCharsets.UTF_8).length;
    Check.state(
        secret.isEmpty() || secretBytes >= MIN_SECRET_BYTES,
        "secret",
        secretBytes + " bytes",
        "at least " + MIN_SECRET_BYTES + " bytes for HS256");
    Check.state(
        secret.isEmpty() || algorithms.contains("HS256"),
        "secret",
        "set",
        "empty unless algorithms include HS256");
    publicKeyPem = publicKeyPem == null ? "" : publicKeyPem.strip();
    jwksFile = jwksFile == null ? "" : jwksFile.strip();
    issuer = issuer == null ? "" : issuer;
    audience = audience == null ? "" : audience;
    Check.notNull("clockSkew", clockSkew);
    Check.state(
        !clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(5)) <= 0,
        "clockSkew",
        clockSkew,
        "0s-5m");
    Check.inRange("maxTokenLength", maxTokenLength, 256, MAX_TOKEN_LENGTH);
    Check.notNull("jwksRefresh", jwksRefresh);
    Check.state(
        jwksRefresh.compareTo(Duration.ofSeconds(1)) >= 0
            && jwksRefresh.compareTo(Duration.ofDays(1)) <= 0,
        "jwksRefresh",
        jwksRefresh,
        "1s-1d");
  }

  /** All algorithms, no key yet, expiry required, 30 s of clock skew. */
  public static JwtConfig defaults() {
    return new JwtConfig(SUPPORTED_ALGORITHMS, "", "", "", "", "", true, Duration.ofSeconds(30));
  }

  /** Whether any key source is set. */
  public boolean hasKeySource() {
    return !secret.isEmpty() || !publicKeyPem.isEmpty() || !jwksFile.isEmpty();
  }

  /** Shows whether a secret is set, never the secret. */
  @Override
  public String toString() {
    return "JwtConfig[algorithms="
        + algorithms
        + ", secret="
        + (secret.isEmpty() ? "" : "<redacted>")
        + ", publicKeyPem="
        + publicKeyPem
        + ", jwksFile="
        + jwksFile
        + ", issuer="
        + issuer
        + ", audience="
        + audience
        + ", requireExpiry="
        + requireExpiry
        + ", clockSkew="
        + clockSkew
        + ", maxTokenLength="
        + maxTokenLength
        + ", jwksRefresh="
        + jwksRefresh
        + "]";
  }
}
