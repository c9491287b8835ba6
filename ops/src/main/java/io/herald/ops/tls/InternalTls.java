package io.herald.ops.tls;

import io.herald.config.Check;
import java.time.Duration;

/**
 * Mutual TLS on one internal gRPC link, as its server or its client sees it; off by default
 * (plaintext, for a private network). When on, both ends present a certificate and check the
 * other's against {@code trustedCertificates}: a server refuses a client without a certificate from
 * that CA, a client refuses a server whose certificate is not from it or does not name the host it
 * dialled (or {@code serverName}). TLS 1.2 and 1.3 only. The files are reloaded when they change
 * ({@link FileWatch}).
 *
 * @param enabled whether the link is mutual TLS; false: plaintext
 * @param certificateChain this end's certificate chain (PEM), leaf first
 * @param privateKey this end's private key (PEM, PKCS#8)
 * @param trustedCertificates the CA certificates (PEM) the other end's certificate must chain to
 * @param serverName clients only: the name the server's certificate must carry, for servers reached
 *     by an address their certificate does not name (Comets register pod IPs); empty: the host of
 *     the address dialled
 * @param reloadInterval how often the files are checked for a change
 */
public record InternalTls(
    boolean enabled,
    String certificateChain,
    String privateKey,
    String trustedCertificates,
    String serverName,
    Duration reloadInterval) {

  /**
   * Plaintext (the default), with the files where a Kubernetes TLS secret (plus its {@code ca.crt})
   * mounted at {@code /etc/herald/mtls} puts them, so turning it on takes {@code enabled: true}.
   */
  public static final InternalTls OFF =
      new InternalTls(
          false,
          "/etc/herald/mtls/tls.crt",
          "/etc/herald/mtls/tls.key",
          "/etc/herald/mtls/ca.crt",
          "",
          Duration.ofMinutes(1));

  public InternalTls {
    certificateChain = strip(certificateChain);
    privateKey = strip(privateKey);
    trustedCertificates = strip(trustedCertificates);
    serverName = strip(serverName);
    Check.positive("reloadInterval", reloadInterval);
    if (enabled) {
      Check.notBlank("certificateChain", certificateChain);
      Check.notBlank("privateKey", privateKey);
      Check.notBlank("trustedCertificates", trustedCertificates);
    }
    Check.state(
        serverName.chars().noneMatch(c -> c <= ' ' || c == ':' || c == '/'),
        "serverName",
        serverName,
        "a host name without port, or empty");
  }

  private static String strip(String value) {
    return value == null ? "" : value.strip();
  }
}
