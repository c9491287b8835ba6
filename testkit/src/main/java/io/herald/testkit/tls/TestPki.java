package io.herald.testkit.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and the certificates they issue, for TLS tests: EC P-256 keys, made in
 * the process in milliseconds, written as the PEM files Herald's configs name.
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private TestPki() {}

  /** A key pair and its certificate, issued by a CA or self-signed. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    /** Writes the certificate to {@code chain} and the PKCS#8 key to {@code key}. */
    public Issued write(Path chain, Path key) throws IOException {
      Files.writeString(chain, pem(certificate));
      Files.writeString(key, pem(keys.getPrivate()));
      return this;
    }

    /** A client context that presents this certificate and trusts {@code trusted}. */
    public SSLContext clientContext(X509Certificate trusted) throws GeneralSecurityException {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try {
        store.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      store.setKeyEntry("me", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(store, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trusting(trusted), null);
      return context;
    }
  }

  /** A CA that signs certificates. */
  public static final class Ca {
    private final Issued self;

    private Ca(Issued self) {
      this.self = self;
    }

    public X509Certificate certificate() {
      return self.certificate();
    }

    /** Writes the CA certificate (what the other end trusts) to {@code file}. */
    public Ca write(Path file) throws IOException {
      Files.writeString(file, pem(self.certificate()));
      return this;
    }

    /**
     * A leaf certificate for {@code commonName}, naming {@code hosts} (DNS names or IP addresses)
     * as subject alternative names, valid from an hour ago for a day.
     */
    public Issued issue(String commonName, String... hosts) {
      return TestPki.issue(commonName, hosts, false, self, Duration.ofDays(1));
    }

    /** The same, but expired an hour ago. */
    public Issued issueExpired(String commonName, String... hosts) {
      return TestPki.issue(commonName, hosts, false, self, Duration.ofHours(-1));
    }
  }

  /** A new CA named {@code name}. */
  public static Ca ca(String name) {
    return new Ca(issue(name, new String[0], true, null, Duration.ofDays(1)));
  }

  /** A self-signed leaf certificate for {@code hosts}. */
  public static Issued selfSigned(String commonName, String... hosts) {
    return issue(commonName, hosts, false, null, Duration.ofDays(1));
  }

  /** A client context trusting only {@code trusted}, presenting no certificate. */
  public static SSLContext trustingOnly(X509Certificate trusted) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trusting(trusted), null);
    return context;
  }

  private static javax.net.ssl.TrustManager[] trusting(X509Certificate trusted)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    store.setCertificateEntry("trusted", trusted);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    return trust.getTrustManagers();
  }

  private static Issued issue(
      String commonName, String[] hosts, boolean ca, Issued issuer, Duration validFor) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(2))),
              Date.from(now.plus(validFor)),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else if (hosts.length > 0) {
        GeneralName[] names = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
          boolean ip = hosts[i].chars().allMatch(c -> Character.isDigit(c) || c == '.');
          names[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      KeyPair signer = issuer == null ? keys : issuer.keys();
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
      return new Issued(keys, certificate);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e, e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          object instanceof java.security.PrivateKey key
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)
              : object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
