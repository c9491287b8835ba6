package io.herald.logic.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.herald.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeySourceTest {
  @TempDir Path dir;

  private static JwtConfig config(List<String> algorithms, String secret, String pem, String jwks) {
    return new JwtConfig(algorithms, secret, pem, jwks, "", "", true, Duration.ofSeconds(30));
  }

  private static JwtAuthenticator load(JwtConfig config) {
    return JwtAuthenticator.load(config, Clock.systemUTC());
  }

  @Test
  void aShortHmacSecretIsRefusedAtConstruction() {
    assertThatThrownBy(() -> config(List.of("HS256"), "only-twelve!", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: 12 bytes (expected: at least 32 bytes for HS256)");
  }

  @Test
  void aSecretWithoutHs256IsRefused() {
    assertThatThrownBy(() -> config(List.of("RS256"), "x".repeat(32), "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: set (expected: empty unless algorithms include HS256)");
  }

  @Test
  void onlyHs256Rs256AndEs256AreAllowed() {
    assertThatThrownBy(() -> config(List.of("RS256", "none"), "", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("algorithms[1]: none (expected: one of [HS256, RS256, ES256])");
    assertThatThrownBy(() -> config(List.of(), "", "", ""))
        .hasMessageStartingWith("algorithms: [] (expected: some of");
  }

  @Test
  void modeJwtWithoutAKeyNamesTheKeySources() {
    assertThatThrownBy(() -> load(JwtConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.jwt.secret")
        .hasMessageContaining("auth.jwt.publicKeyPem")
        .hasMessageContaining("auth.jwt.jwksFile");
  }

  @Test
  void unreadableOrInvalidKeyFilesAreNamed() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
    Path notJwks = Files.writeString(dir.resolve("keys.json"), "{\"keys\": 3}");
    Path emptyJwks = Files.writeString(dir.resolve("empty.json"), "{\"keys\": []}");
    List<String> all = JwtConfig.SUPPORTED_ALGORITHMS;

    assertThatThrownBy(() -> load(config(all, "", missing.toString(), "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.jwt.publicKeyPem: " + missing + ": cannot be read");
    assertThatThrownBy(() -> load(config(all, "", garbage.toString(), "")))
        .hasMessageStartingWith("auth.jwt.publicKeyPem: " + garbage + ": not a PEM public key");
    assertThatThrownBy(() -> load(config(all, "", "", notJwks.toString())))
        .hasMessageStartingWith("auth.jwt.jwksFile: " + notJwks + ": not a JWK set");
    assertThatThrownBy(() -> load(config(all, "", "", emptyJwks.toString())))
        .hasMessageStartingWith("auth.jwt.jwksFile: " + emptyJwks + ": no keys");
  }

  @Test
  void aPemKeyNoAllowedAlgorithmUsesIsRefused() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    Path ec256 = TokenSigner.writePem(dir.resolve("p256.pem"), p256.toPublicKey());
    Path ec384 = TokenSigner.writePem(dir.resolve("p384.pem"), p384.toPublicKey());

    assertThatThrownBy(() -> load(config(List.of("RS256"), "", ec256.toString(), "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("an EC P-256 key")
        .hasMessageContaining("auth.jwt.algorithms [RS256]");
    assertThatThrownBy(() -> load(config(JwtConfig.SUPPORTED_ALGORITHMS, "", ec384.toString(), "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("an EC P-384 key");
  }

  @Test
  void weakKeysInAJwkSetAreRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    KeyPair weak = generator.generateKeyPair();
    RSAKey key = new RSAKey.Builder((RSAPublicKey) weak.getPublic()).keyID("old").build();
    Path jwks = Files.writeString(dir.resolve("weak.json"), new JWKSet(key).toString());

    assertThatThrownBy(() -> load(config(List.of("RS256"), "", "", jwks.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.jwt: an RSA key 'old': 1024 bits (expected: at least 2048 bits)");
  }

  @Test
  void aJwkSetWithNoKeyForTheAllowedAlgorithmsIsRefused() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    Path jwks =
        Files.writeString(dir.resolve("ec.json"), new JWKSet(ec).toPublicJWKSet().toString());

    assertThatThrownBy(() -> load(config(List.of("RS256"), "", "", jwks.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.jwt: no key usable for signatures with algorithms [RS256]");
  }
}
