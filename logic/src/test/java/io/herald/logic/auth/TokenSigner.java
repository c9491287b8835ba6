package io.herald.logic.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** Signs test tokens the way a business service would, and writes public keys as PEM files. */
final class TokenSigner {
  private TokenSigner() {}

  /** Claims valid at {@code now}: sub 42, expiring in 5 minutes. */
  static JWTClaimsSet.Builder claims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject("42")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws JOSEException {
    return sign(key, new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
  }

  static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) throws JOSEException {
    JWSSigner signer;
    if (key instanceof OctetSequenceKey oct) {
      signer = new MACSigner(oct);
    } else if (key instanceof RSAKey rsa) {
      signer = new RSASSASigner(rsa);
    } else {
      signer = new ECDSASigner((ECKey) key);
    }
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static OctetSequenceKey secret(String secret) {
    return new OctetSequenceKey.Builder(secret.getBytes(StandardCharsets.UTF_8)).build();
  }

  static Path writePem(Path file, PublicKey key) throws IOException {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return Files.writeString(
        file, "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n");
  }
}
