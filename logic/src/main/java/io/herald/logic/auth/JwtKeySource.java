package io.herald.logic.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.herald.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads the verification keys a {@link JwtConfig} names: its secret, PEM file and JWK set file. */
final class JwtKeySource {
  private JwtKeySource() {}

  /**
   * @throws ConfigException naming the key at fault: none set, a file unreadable or not a key, a
   *     key that no allowed algorithm uses
   */
  static JWKSet load(JwtConfig config) {
    if (!config.hasKeySource()) {
      throw new ConfigException(
          "auth.jwt: no key (expected: one of auth.jwt.secret, auth.jwt.publicKeyPem,"
              + " auth.jwt.jwksFile for mode jwt)");
    }
    List<JWK> keys = fixed(config);
    if (!config.jwksFile().isEmpty()) {
      keys.addAll(jwks(config.jwksFile()));
    }
    return new JWKSet(keys);
  }

  /** The keys that never change while Logic runs: the secret and the PEM file's key. */
  static List<JWK> fixed(JwtConfig config) {
    List<JWK> keys = new ArrayList<>();
    if (!config.secret().isEmpty()) {
      keys.add(
          new OctetSequenceKey.Builder(config.secret().getBytes(StandardCharsets.UTF_8)).build());
    }
    if (!config.publicKeyPem().isEmpty()) {
      keys.add(pem(config));
    }
    return keys;
  }

  private static JWK pem(JwtConfig config) {
    String name = "auth.jwt.publicKeyPem: " + config.publicKeyPem();
    String pem = read(name, config.publicKeyPem());
    JWK key;
    try {
      key = JWK.parseFromPEMEncodedObjects(pem).toPublicJWK();
    } catch (JOSEException | RuntimeException e) {
      throw new ConfigException(
          name + ": not a PEM public key (expected: an RSA or EC public key or certificate)", e);
    }
    JWSAlgorithm algorithm = JwtKeySelector.algorithmFor(key);
    if (algorithm == null || !config.algorithms().contains(algorithm.getName())) {
      throw new ConfigException(
          name
              + ": "
              + JwtKeySelector.describe(key)
              + " (expected: an RSA key with RS256 or a P-256 EC key with ES256 in"
              + " auth.jwt.algorithms "
              + config.algorithms()
              + ")");
    }
    return key;
  }

  /**
   * The keys of a JWK set file, each by its public half (symmetric keys as they are).
   *
   * @throws ConfigException if the file cannot be read, is not a JWK set or holds no key
   */
  static List<JWK> jwks(String file) {
    String name = "auth.jwt.jwksFile: " + file;
    JWKSet set;
    try {
      set = JWKSet.parse(read(name, file));
    } catch (ParseException e) {
      throw new ConfigException(name + ": not a JWK set (" + e.getMessage() + ")", e);
    }
    if (set.isEmpty()) {
      throw new ConfigException(name + ": no keys (expected: at least one)");
    }
    List<JWK> keys = new ArrayList<>();
    for (JWK key : set.getKeys()) {
      // Symmetric keys have no public half; every other key is used by its public half only.
      keys.add(key instanceof OctetSequenceKey ? key : key.toPublicJWK());
    }
    return keys;
  }

  private static String read(String name, String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(name + ": cannot be read (" + why(e) + ")", e);
    }
  }

  private static String why(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
