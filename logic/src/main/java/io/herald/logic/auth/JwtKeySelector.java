package io.herald.logic.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks the keys a token may verify against: those of its algorithm's type, with the token's {@code
 * kid} or with none. Each key serves one algorithm: an HMAC key HS256, an RSA key RS256, a P-256 EC
 * key ES256, so a token cannot choose to be checked as HMAC against a public key.
 */
final class JwtKeySelector implements JWSKeySelector<SecurityContext> {
  static final int MIN_RSA_BITS = 2048;

  private record Candidate(JWSAlgorithm algorithm, String kid, Key key) {}

  private final List<Candidate> candidates;

  /**
   * @param keys verification keys; those no allowed algorithm uses, or marked for encryption, are
   *     left out
   * @throws IllegalArgumentException if a key is too weak, or no key is left
   */
  JwtKeySelector(JWKSet keys, Set<JWSAlgorithm> algorithms) {
    List<Candidate> usable = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      String weakness = weakness(key);
      if (weakness != null) {
        throw new IllegalArgumentException(describe(key) + ": " + weakness);
      }
      JWSAlgorithm algorithm = algorithmFor(key);
      if (algorithm != null
          && algorithms.contains(algorithm)
          && (key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))) {
        usable.add(new Candidate(algorithm, key.getKeyID(), javaKey(key)));
      }
    }
    if (usable.isEmpty()) {
      throw new IllegalArgumentException(
          "no key usable for signatures with algorithms " + algorithms);
    }
    this.candidates = List.copyOf(usable);
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context)
      throws KeySourceException {
    String kid = header.getKeyID();
    List<Key> matching = new ArrayList<>(2);
    for (Candidate candidate : candidates) {
      if (candidate.algorithm().equals(header.getAlgorithm())
          && (kid == null || candidate.kid() == null || kid.equals(candidate.kid()))) {
        matching.add(candidate.key());
      }
    }
    if (matching.isEmpty()) {
      throw new NoMatchingKeyException();
    }
    return matching;
  }

  /** How many keys may verify tokens. */
  int size() {
    return candidates.size();
  }

  /** Whether {@code other} holds the same keys, with the same kids, for the same algorithms. */
  @Override
  public boolean equals(Object other) {
    return other instanceof JwtKeySelector selector && candidates.equals(selector.candidates);
  }

  @Override
  public int hashCode() {
    return candidates.hashCode();
  }

  /** The one algorithm a key serves, or null if none Herald verifies. */
  static JWSAlgorithm algorithmFor(JWK key) {
    JWSAlgorithm algorithm;
    if (key instanceof OctetSequenceKey) {
      algorithm = JWSAlgorithm.HS256;
    } else if (key instanceof RSAKey) {
      algorithm = JWSAlgorithm.RS256;
    } else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
      algorithm = JWSAlgorithm.ES256;
    } else {
      return null;
    }
    return key.getAlgorithm() == null || algorithm.equals(key.getAlgorithm()) ? algorithm : null;
  }

  /** Why a key must not be used, or null. */
  static String weakness(JWK key) {
    if (key instanceof OctetSequenceKey && key.size() < JwtConfig.MIN_SECRET_BYTES * 8) {
      return key.size() / 8
          + " bytes (expected: at least "
          + JwtConfig.MIN_SECRET_BYTES
          + " bytes for HS256)";
    }
    if (key instanceof RSAKey && key.size() < MIN_RSA_BITS) {
      return key.size() + " bits (expected: at least " + MIN_RSA_BITS + " bits)";
    }
    return null;
  }

  static String describe(JWK key) {
    String type;
    if (key instanceof OctetSequenceKey) {
      type = "an HMAC key";
    } else if (key instanceof RSAKey) {
      type = "an RSA key";
    } else if (key instanceof ECKey ec) {
      type = "an EC " + ec.getCurve() + " key";
    } else {
      type = "a " + key.getKeyType().getValue() + " key";
    }
    return key.getKeyID() == null ? type : type + " '" + key.getKeyID() + "'";
  }

  private static Key javaKey(JWK key) {
    try {
      if (key instanceof OctetSequenceKey oct) {
        return oct.toSecretKey();
      }
      if (key instanceof RSAKey rsa) {
        return rsa.toRSAPublicKey();
      }
      return ((ECKey) key).toECPublicKey();
    } catch (JOSEException e) {
      throw new IllegalArgumentException(describe(key) + ": unusable: " + e.getMessage(), e);
    }
  }

  /** No key has the token's algorithm and kid; stackless, a client can cause it at will. */
  static final class NoMatchingKeyException extends KeySourceException {
    private static final long serialVersionUID = 1L;

    NoMatchingKeyException() {
      super("no key matches the token's algorithm and kid");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
