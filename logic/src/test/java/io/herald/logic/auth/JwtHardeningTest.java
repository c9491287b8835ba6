package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static io.herald.logic.auth.TokenSigner.claims;
import static io.herald.logic.auth.TokenSigner.secret;
import static io.herald.logic.auth.TokenSigner.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks and edge cases of issue 19 that {@link JwtAuthenticatorTest} does not already cover:
 * unsigned tokens in every spelling, key confusion with every key source, the exact skew edges,
 * oversized tokens, and a JWK set rotated while Logic runs.
 */
class JwtHardeningTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";
  private static final Duration SKEW = Duration.ofSeconds(30);

  private static RSAKey rsa1;
  private static RSAKey rsa2;
  private static RSAKey rsa3;

  @TempDir Path dir;

  @BeforeAll
  static void generateKeys() throws Exception {
    rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    rsa3 = new RSAKeyGenerator(2048).keyID("rsa-3").generate();
  }

  private static JwtConfig config(String secret, String pem, String jwks) {
    return new JwtConfig(JwtConfig.SUPPORTED_ALGORITHMS, secret, pem, jwks, "", "", true, SKEW);
  }

  private static String refusedMessage(Authenticator auth, String token) {
    AuthException refused = refusal(auth.authenticate(body(token)));
    assertThat(refused.reason()).isEqualTo(AuthException.Reason.UNAUTHENTICATED);
    return refused.getMessage();
  }

  private static AuthBody body(String token) {
    return new AuthBody(999, "", "", "web", List.of(), token, "10.0.0.1");
  }

  private static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Test
  void unsignedTokensAreRefusedInEverySpellingOfNone() throws Exception {
    JwtAuthenticator auth = JwtAuthenticator.load(config(SECRET, "", ""), CLOCK);
    String valid = sign(secret(SECRET), JWSAlgorithm.HS256, claims(NOW).build());
    String payload = valid.split("\\.")[1];
    String signature = valid.split("\\.")[2];

    for (String alg : List.of("none", "None", "NONE", "nOnE")) {
      String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
      // With no signature, and with a valid token's signature pasted on.
      assertThat(refusedMessage(auth, header + "." + payload + "."))
          .as(alg)
          .isIn("token: malformed (expected: a signed JWT)", "token: algorithm not allowed");
      assertThat(refusedMessage(auth, header + "." + payload + "." + signature))
          .as(alg)
          .isIn("token: malformed (expected: a signed JWT)", "token: algorithm not allowed");
    }
    // A signed algorithm with the signature stripped is no better.
    String stripped = valid.substring(0, valid.lastIndexOf('.') + 1);
    assertThat(refusedMessage(auth, stripped)).startsWith("token: ");
    assertThat(accepted(auth.authenticate(body(valid)))).isEqualTo(new Identity(42));
  }

  @Test
  void anHmacTokenKeyedWithPublicKeyMaterialNeverVerifies() throws Exception {
    // The server holds a secret too, so HS256 is a live algorithm: the confusion must still fail.
    Path pem = TokenSigner.writePem(dir.resolve("rsa.pem"), rsa1.toPublicKey());
    Path jwks = dir.resolve("keys.json");
    Files.writeString(jwks, new JWKSet(rsa2).toPublicJWKSet().toString());
    JwtAuthenticator auth =
        JwtAuthenticator.load(config(SECRET, pem.toString(), jwks.toString()), CLOCK);
    JWTClaimsSet claims = claims(NOW).build();

    List<byte[]> publicMaterial =
        List.of(
            Files.readAllBytes(pem),
            rsa1.toPublicKey().getEncoded(),
            Files.readAllBytes(jwks),
            rsa2.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
            rsa2.getModulus().decode());
    for (byte[] material : publicMaterial) {
      OctetSequenceKey confused = new OctetSequenceKey.Builder(material).build();
      assertThat(refusedMessage(auth, sign(confused, JWSAlgorithm.HS256, claims)))
          .isEqualTo("token: bad signature");
      // Naming the RSA key's kid selects no key: an RSA key never serves HS256.
      OctetSequenceKey withKid = new OctetSequenceKey.Builder(material).keyID("rsa-2").build();
      assertThat(refusedMessage(auth, sign(withKid, JWSAlgorithm.HS256, claims)))
          .isIn("token: bad signature", "token: no key matches its kid");
    }
    assertThat(accepted(auth.authenticate(body(sign(rsa2, JWSAlgorithm.RS256, claims)))))
        .isEqualTo(new Identity(42));
  }

  @Test
  void expiryAndNotBeforeAreExactAtTheSkewEdge() throws Exception {
    JwtAuthenticator auth = JwtAuthenticator.load(config(SECRET, "", ""), CLOCK);
    OctetSequenceKey key = secret(SECRET);

    // exp + skew must be after now: one second inside is accepted, exactly at the edge is not.
    Date insideExp = Date.from(NOW.minus(SKEW).plusSeconds(1));
    Date atExp = Date.from(NOW.minus(SKEW));
    assertThat(
            accepted(
                auth.authenticate(
                    body(
                        sign(
                            key,
                            JWSAlgorithm.HS256,
                            claims(NOW).expirationTime(insideExp).build())))))
        .isEqualTo(new Identity(42));
    assertThat(
            refusedMessage(
                auth, sign(key, JWSAlgorithm.HS256, claims(NOW).expirationTime(atExp).build())))
        .isEqualTo("token: expired");

    // nbf may be up to skew ahead of now, not a second more.
    Date atNbf = Date.from(NOW.plus(SKEW));
    Date pastNbf = Date.from(NOW.plus(SKEW).plusSeconds(1));
    assertThat(
            accepted(
                auth.authenticate(
                    body(sign(key, JWSAlgorithm.HS256, claims(NOW).notBeforeTime(atNbf).build())))))
        .isEqualTo(new Identity(42));
    assertThat(
            refusedMessage(
                auth, sign(key, JWSAlgorithm.HS256, claims(NOW).notBeforeTime(pastNbf).build())))
        .startsWith("token: not yet valid");

    // No skew at all: the edges move to now.
    JwtAuthenticator strict =
        JwtAuthenticator.load(
            new JwtConfig(List.of("HS256"), SECRET, "", "", "", "", true, Duration.ZERO), CLOCK);
    assertThat(
            refusedMessage(
                strict,
                sign(key, JWSAlgorithm.HS256, claims(NOW).expirationTime(Date.from(NOW)).build())))
        .isEqualTo("token: expired");
    assertThat(
            refusedMessage(
                strict,
                sign(
                    key,
                    JWSAlgorithm.HS256,
                    claims(NOW).notBeforeTime(Date.from(NOW.plusSeconds(1))).build())))
        .startsWith("token: not yet valid");
  }

  @Test
  void aSkewOrTokenBoundOutsideItsRangeIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                new JwtConfig(
                    List.of("HS256"),
                    SECRET,
                    "",
                    "",
                    "",
                    "",
                    true,
                    Duration.ofMinutes(5).plusSeconds(1)))
        .hasMessage("clockSkew: 301s (expected: 0s-5m)");
    assertThatThrownBy(
            () ->
                new JwtConfig(
                    List.of("HS256"), SECRET, "", "", "", "", true, Duration.ofSeconds(-1)))
        .hasMessageStartingWith("clockSkew: ");
    assertThatThrownBy(
            () ->
                new JwtConfig(
                    List.of("HS256"),
                    SECRET,
                    "",
                    "",
                    "",
                    "",
                    true,
                    SKEW,
                    JwtConfig.MAX_TOKEN_LENGTH + 1,
                    Duration.ofMinutes(5)))
        .hasMessageStartingWith("maxTokenLength: 4097 (expected:");
    assertThatThrownBy(
            () ->
                new JwtConfig(
                    List.of("HS256"), SECRET, "", "", "", "", true, SKEW, 4096, Duration.ZERO))
        .hasMessage("jwksRefresh: 0ms (expected: 1s-1d)");
  }

  @Test
  void anOversizedTokenIsRefusedBeforeParsingAndCounted() throws Exception {
    String token =
        sign(secret(SECRET), JWSAlgorithm.HS256, claims(NOW).claim("pad", "x".repeat(300)).build());
    MeterRegistry meters = new SimpleMeterRegistry();
    JwtConfig exact =
        new JwtConfig(
            List.of("HS256"),
            SECRET,
            "",
            "",
            "",
            "",
            true,
            SKEW,
            token.length(),
            Duration.ofMinutes(5));
    JwtConfig oneShort =
        new JwtConfig(
            List.of("HS256"),
            SECRET,
            "",
            "",
            "",
            "",
            true,
            SKEW,
            token.length() - 1,
            Duration.ofMinutes(5));

    assertThat(accepted(JwtAuthenticator.load(exact, CLOCK, meters).authenticate(body(token))))
        .isEqualTo(new Identity(42));
    JwtAuthenticator tight = JwtAuthenticator.load(oneShort, CLOCK, meters);
    assertThat(refusedMessage(tight, token))
        .isEqualTo(
            "token: "
                + token.length()
                + " characters (expected: at most "
                + (token.length() - 1)
                + ")");
    // Garbage past the bound is never parsed: the same refusal, not "malformed".
    assertThat(refusedMessage(tight, "{".repeat(token.length()))).contains(" characters ");
    assertThat(meters.counter(JwtMetrics.METER, "event", "oversized").count()).isEqualTo(2);
  }

  @Test
  void aRotatedJwkSetIsReadAgainWithoutARestart() throws Exception {
    ManualClock clock = new ManualClock(NOW);
    MeterRegistry meters = new SimpleMeterRegistry();
    Path jwks = dir.resolve("rotating.json");
    write(jwks, rsa1);
    JwtConfig config =
        new JwtConfig(
            List.of("RS256"),
            "",
            "",
            jwks.toString(),
            "",
            "",
            true,
            SKEW,
            4096,
            Duration.ofMinutes(1));
    JwtAuthenticator auth = JwtAuthenticator.load(config, clock, meters);

    assertThat(accepted(auth.authenticate(body(token(rsa1, clock))))).isEqualTo(new Identity(42));
    assertThat(refusedMessage(auth, token(rsa2, clock))).isEqualTo("token: no key matches its kid");
    assertThat(meters.counter(JwtMetrics.METER, "event", "unknown_kid_read").count()).isEqualTo(1);

    // The issuer publishes rsa-2 next to rsa-1: a token naming it has the file read at once...
    clock.advance(JwtConfig.UNKNOWN_KID_REFRESH);
    write(jwks, rsa1, rsa2);
    assertThat(accepted(auth.authenticate(body(token(rsa2, clock))))).isEqualTo(new Identity(42));
    // ...but made-up kids cannot have it read more than once per UNKNOWN_KID_REFRESH.
    write(jwks, rsa1, rsa2, rsa3);
    assertThat(refusedMessage(auth, token(rsa3, clock))).isEqualTo("token: no key matches its kid");
    assertThat(meters.counter(JwtMetrics.METER, "event", "unknown_kid_read").count()).isEqualTo(2);
    clock.advance(JwtConfig.UNKNOWN_KID_REFRESH);
    assertThat(accepted(auth.authenticate(body(token(rsa3, clock))))).isEqualTo(new Identity(42));

    // rsa-1 is retired: refused once the file is read again on schedule.
    write(jwks, rsa2, rsa3);
    assertThat(accepted(auth.authenticate(body(token(rsa1, clock))))).isEqualTo(new Identity(42));
    clock.advance(Duration.ofMinutes(1));
    assertThat(refusedMessage(auth, token(rsa1, clock))).isEqualTo("token: no key matches its kid");
    assertThat(meters.counter(JwtMetrics.METER, "event", "keys_read").count()).isEqualTo(1);

    // A broken file keeps the keys in use, and is counted.
    Files.writeString(jwks, "{\"keys\": [");
    clock.advance(Duration.ofMinutes(1));
    assertThat(accepted(auth.authenticate(body(token(rsa2, clock))))).isEqualTo(new Identity(42));
    assertThat(meters.counter(JwtMetrics.METER, "event", "keys_read_failed").count()).isEqualTo(1);
  }

  private static String token(RSAKey key, Clock clock) throws Exception {
    return sign(key, JWSAlgorithm.RS256, claims(clock.instant()).build());
  }

  private static void write(Path file, RSAKey... keys) throws Exception {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, new JWKSet(List.of(keys)).toPublicJWKSet().toString());
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
