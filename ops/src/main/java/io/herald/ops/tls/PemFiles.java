package io.herald.ops.tls;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Reads PEM certificates and keys, and refuses what a TLS handshake would only fail on later: an
 * empty file, a key that is not the leaf certificate's, a leaf that has expired.
 */
public final class PemFiles {
  private PemFiles() {}

  /**
   * A certificate chain and the private key of its leaf.
   *
   * @param key the leaf's private key
   * @param chain leaf first
   */
  public record Identity(PrivateKey key, X509Certificate[] chain) {
    /** The leaf certificate. */
    public X509Certificate leaf() {
      return chain[0];
    }
  }

  /**
   * Reads a chain and its key and checks they belong together.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static Identity identity(Path chainFile, Path keyFile) {
    X509Certificate[] chain = certificates(chainFile);
    PrivateKey key;
    try (InputStream in = Files.newInputStream(keyFile)) {
      key = CertificateUtils.getPrivateKey(in);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          keyFile + ": not a PEM private key (PKCS#8 expected): " + e.getMessage(), e);
    }
    X509Certificate leaf = chain[0];
    if (!matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          keyFile
              + ": not the private key of the certificate in "
              + chainFile
              + " ("
              + leaf.getSubjectX500Principal()
              + ")");
    }
    Instant now = Instant.now();
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new IllegalArgumentException(
          chainFile
              + ": the certificate "
              + leaf.getSubjectX500Principal()
              + " expired at "
              + leaf.getNotAfter().toInstant());
    }
    return new Identity(key, chain);
  }

  /**
   * Reads one or more PEM certificates.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static X509Certificate[] certificates(Path file) {
    X509Certificate[] certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateUtils.getX509Certificates(in);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          file + ": cannot read PEM certificates: " + e.getMessage(), e);
    }
    if (certificates.length == 0) {
      throw new IllegalArgumentException(file + ": no PEM certificate in it");
    }
    return certificates;
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
    try {
      byte[] probe = "herald-tls-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
