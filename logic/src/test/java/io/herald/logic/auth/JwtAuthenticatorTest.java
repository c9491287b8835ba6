package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static io.herald.logic.auth.TokenSigner.claims;
import static io.herald.logic.auth.TokenSigner.secret;
import static io.herald.logic.auth.TokenSigner.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

  private static RSAKey rsa;
  private static ECKey ec;

  @TempDir static Path dir;

  @BeforeAll
  static void generateKeys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).generate();
  }

  private static JwtConfig config(String secret, String pem, String jwks) {
    return new JwtConfig(
        JwtConfig.SUPPORTED_ALGORITHMS, secret, pem, jwks, "", "", true, Duration.ofSeconds(30));
  }

  private static JwtAuthenticator hmac() {
    return JwtAuthenticator.load(config(SECRET, "", ""), CLOCK);
  }

  private static CompletableFuture<Identity> authenticate(Authenticator auth, String token) {
    return auth.authenticate(new AuthBody(999, "", "", "web", List.of(), token, "10.0.0.1"));
  }

  private static String hs256(JWTClaimsSet claims) throws Exception {
    return sign(secret(SECRET), JWSAlgorithm.HS256, claims);
  }

  private static String refusedMessage(Authenticator auth, String token) {
    AuthException refused = refusal(authenticate(auth, token));
    assertThat(refused.reason()).isEqualTo(AuthException.Reason.UNAUTHENTICATED);
    return refused.getMessage();
  }

  @Test
  void hs256TokenGivesTheMidFromSubNotFromTheBody() throws Exception {
    CompletableFuture<Identity> identity = authenticate(hmac(), hs256(claims(NOW).build()));

    assertThat(identity).isDone(); // CPU-only: complete on return, no thread hop
    assertThat(accepted(identity)).isEqualTo(new Identity(42));
  }

  @Test
  void rs256TokenVerifiesAgainstAPemFile() throws Exception {
    Path pem = TokenSigner.writePem(dir.resolve("rsa.pem"), rsa.toPublicKey());
    JwtAuthenticator auth = JwtAuthenticator.load(config("", pem.toString(), ""), CLOCK);

    String token = sign(rsa, JWSAlgorithm.RS256, claims(NOW).subject("7").build());

    assertThat(accepted(authenticate(auth, token))).isEqualTo(new Identity(7));
  }

  @Test
  void es256TokenVerifiesAgainstAPemFile() throws Exception {
    Path pem = TokenSigner.writePem(dir.resolve("ec.pem"), ec.toPublicKey());
    JwtAuthenticator auth = JwtAuthenticator.load(config("", pem.toString(), ""), CLOCK);

    String token = sign(ec, JWSAlgorithm.ES256, claims(NOW).subject("8").build());

    assertThat(accepted(authenticate(auth, token))).isEqualTo(new Identity(8));
  }

  @Test
  void jwksFileChoosesTheKeyByKid() throws Exception {
    RSAKey second = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    RSAKey unknown = new RSAKeyGenerator(2048).keyID("rsa-3").generate();
    Path jwks = dir.resolve("keys.json");
    Files.writeString(jwks, new JWKSet(List.of(rsa, second)).toPublicJWKSet().toString());
    JwtAuthenticator auth = JwtAuthenticator.load(config("", "", jwks.toString()), CLOCK);

    assertThat(accepted(authenticate(auth, sign(second, JWSAlgorithm.RS256, claims(NOW).build()))))
        .isEqualTo(new Identity(42));
    assertThat(refusedMessage(auth, sign(unknown, JWSAlgorithm.RS256, claims(NOW).build())))
        .isEqualTo("token: no key matches its kid");
    // The right kid on a token signed by another key is a bad signature.
    RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    assertThat(refusedMessage(auth, sign(impostor, JWSAlgorithm.RS256, claims(NOW).build())))
        .isEqualTo("token: bad signature");
  }

  @Test
  void expiredIsRefusedPastTheClockSkew() throws Exception {
    Date justExpired = Date.from(NOW.minusSeconds(10));
    Date longExpired = Date.from(NOW.minusSeconds(31));

    assertThat(
            accepted(authenticate(hmac(), hs256(claims(NOW).expirationTime(justExpired).build()))))
        .isEqualTo(new Identity(42));
    assertThat(refusedMessage(hmac(), hs256(claims(NOW).expirationTime(longExpired).build())))
        .isEqualTo("token: expired");
  }

  @Test
  void notYetValidIsRefusedPastTheClockSkew() throws Exception {
    Date soon = Date.from(NOW.plusSeconds(20));
    Date later = Date.from(NOW.plusSeconds(60));

    assertThat(accepted(authenticate(hmac(), hs256(claims(NOW).notBeforeTime(soon).build()))))
        .isEqualTo(new Identity(42));
    assertThat(refusedMessage(hmac(), hs256(claims(NOW).notBeforeTime(later).build())))
        .startsWith("token: not yet valid");
  }

  @Test
  void expiryIsRequiredUnlessConfiguredOtherwise() throws Exception {
    String noExpiry = hs256(claims(NOW).expirationTime(null).build());
    JwtConfig lenient =
        new JwtConfig(List.of("HS256"), SECRET, "", "", "", "", false, Duration.ZERO);

    assertThat(refusedMessage(hmac(), noExpiry)).startsWith("token: exp missing");
    assertThat(accepted(authenticate(JwtAuthenticator.load(lenient, CLOCK), noExpiry)))
        .isEqualTo(new Identity(42));
  }

  @Test
  void wrongSignatureIsRefused() throws Exception {
    String otherSecret =
        sign(
            secret("another-secret-of-at-least-32-bytes"), JWSAlgorithm.HS256, claims(NOW).build());
    String[] parts = hs256(claims(NOW).build()).split("\\.", -1);
    String forgedPayload =
        parts[0]
            + "."
            + hs256(claims(NOW).subject("1").build()).split("\\.", -1)[1]
            + "."
            + parts[2];

    assertThat(refusedMessage(hmac(), otherSecret)).isEqualTo("token: bad signature");
    assertThat(refusedMessage(hmac(), forgedPayload)).isEqualTo("token: bad signature");
  }

  @Test
  void audienceAndIssuerAreCheckedWhenConfigured() throws Exception {
    JwtConfig strict =
        new JwtConfig(
            List.of("HS256"),
            SECRET,
            "",
            "",
            "https://id.example",
            "herald",
            true,
            Duration.ofSeconds(30));
    JwtAuthenticator auth = JwtAuthenticator.load(strict, CLOCK);
    JWTClaimsSet.Builder good =
        claims(NOW).issuer("https://id.example").audience(List.of("shop", "herald"));

    assertThat(accepted(authenticate(auth, hs256(good.build())))).isEqualTo(new Identity(42));
    assertThat(refusedMessage(auth, hs256(good.audience("shop").build())))
        .isEqualTo("token: wrong audience");
    assertThat(refusedMessage(auth, hs256(good.audience((String) null).build())))
        .isEqualTo("token: wrong audience");
    assertThat(refusedMessage(auth, hs256(good.audience("herald").issuer("other").build())))
        .isEqualTo("token: wrong issuer");
  }

  @Test
  void subMustBeADecimalInt64() throws Exception {
    assertThat(refusedMessage(hmac(), hs256(claims(NOW).subject(null).build())))
        .startsWith("token: sub missing");
    for (String sub : List.of("alice", "-1", "+5", "1e3", "9223372036854775808", " 42")) {
      assertThat(refusedMessage(hmac(), hs256(claims(NOW).subject(sub).build())))
          .as(sub)
          .startsWith("token: sub is not a user id");
    }
    assertThat(
            accepted(
                authenticate(hmac(), hs256(claims(NOW).subject("9223372036854775807").build()))))
        .isEqualTo(new Identity(Long.MAX_VALUE));
  }

  @Test
  void missingOrMalformedTokensAreRefused() throws Exception {
    String unsigned = new PlainJWT(claims(NOW).build()).serialize();

    assertThat(refusedMessage(hmac(), "")).isEqualTo("token: missing");
    assertThat(refusedMessage(hmac(), "not-a-jwt")).startsWith("token: malformed");
    assertThat(refusedMessage(hmac(), unsigned)).startsWith("token: malformed");
  }

  @Test
  void algorithmNotAllowedIsRefused() throws Exception {
    Path pem = TokenSigner.writePem(dir.resolve("rsa-only.pem"), rsa.toPublicKey());
    JwtConfig rsaOnly =
        new JwtConfig(List.of("RS256"), "", pem.toString(), "", "", "", true, Duration.ZERO);
    JwtAuthenticator auth = JwtAuthenticator.load(rsaOnly, CLOCK);

    assertThat(refusedMessage(auth, hs256(claims(NOW).build())))
        .isEqualTo("token: algorithm not allowed");
    String rs512 =
        sign(rsa, new JWSHeader.Builder(JWSAlgorithm.RS512).build(), claims(NOW).build());
    assertThat(refusedMessage(auth, rs512)).isEqualTo("token: algorithm not allowed");
  }

  @Test
  void anHmacTokenNeverVerifiesAgainstAPublicKey() throws Exception {
    // The classic confusion: HS256 keyed with the bytes of the public key the server holds.
    Path pem = TokenSigner.writePem(dir.resolve("confused.pem"), rsa.toPublicKey());
    JwtAuthenticator auth = JwtAuthenticator.load(config("", pem.toString(), ""), CLOCK);
    OctetSequenceKey publicBytes = new OctetSequenceKey.Builder(Files.readAllBytes(pem)).build();

    assertThat(refusedMessage(auth, sign(publicBytes, JWSAlgorithm.HS256, claims(NOW).build())))
        .isEqualTo("token: no key matches its kid");
  }

  @Test
  void refusalsNeverEchoTheToken() throws Exception {
    String token =
        sign(
            secret("another-secret-of-at-least-32-bytes"), JWSAlgorithm.HS256, claims(NOW).build());

    assertThat(refusedMessage(hmac(), token)).doesNotContain(token).doesNotContain(SECRET);
  }
}
