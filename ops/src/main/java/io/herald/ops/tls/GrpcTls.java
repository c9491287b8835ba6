package io.herald.ops.tls;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import io.herald.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * The credentials of one end of an internal gRPC link from its {@link InternalTls}: plaintext when
 * off, else mutual TLS whose certificate, key and trusted CAs are reloaded from disk when they
 * change (new connections use the new ones; a bad new set is refused and the old one kept).
 */
public final class GrpcTls implements AutoCloseable {
  private final InternalTls config;
  private final AdvancedTlsX509KeyManager keys;
  private final AdvancedTlsX509TrustManager trust;
  private final FileWatch watch;

  private GrpcTls(
      InternalTls config,
      AdvancedTlsX509KeyManager keys,
      AdvancedTlsX509TrustManager trust,
      FileWatch watch) {
    this.config = config;
    this.keys = keys;
    this.trust = trust;
    this.watch = watch;
  }

  /**
   * The server end of a link: it requires a client certificate from the trusted CAs.
   *
   * @param service the metric prefix ({@code herald.<service>.tls.reloads})
   * @param link the link's metric tag
   * @param key the config key, for error messages (e.g. {@code listen.grpcTls})
   * @throws ConfigException if TLS is on and the files cannot be used
   */
  public static GrpcTls server(
      String service, String link, String key, InternalTls config, MeterRegistry meters) {
    if (!config.serverName().isEmpty()) {
      throw new ConfigException(
          key
              + ".serverName: "
              + config.serverName()
              + " (expected: empty; it names the server a client expects)");
    }
    return start(service, link, key, config, meters, Verification.CERTIFICATE_ONLY_VERIFICATION);
  }

  /**
   * The client end of a link: it checks the server's certificate chains to the trusted CAs and
   * names the host dialled (or {@link InternalTls#serverName()}).
   *
   * @throws ConfigException if TLS is on and the files cannot be used
   */
  public static GrpcTls client(
      String service, String link, String key, InternalTls config, MeterRegistry meters) {
    return start(
        service, link, key, config, meters, Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION);
  }

  private static GrpcTls start(
      String service,
      String link,
      String key,
      InternalTls config,
      MeterRegistry meters,
      Verification verification) {
    if (!config.enabled()) {
      return new GrpcTls(config, null, null, null);
    }
    AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    AdvancedTlsX509TrustManager trust;
    try {
      trust = AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
    Path chain = Path.of(config.certificateChain());
    Path privateKey = Path.of(config.privateKey());
    Path trusted = Path.of(config.trustedCertificates());
    FileWatch watch =
        new FileWatch(
            service,
            link,
            List.of(chain, privateKey, trusted),
            config.reloadInterval(),
            () -> {
              PemFiles.Identity identity = PemFiles.identity(chain, privateKey);
              var cas = PemFiles.certificates(trusted);
              trust.updateTrustCredentials(cas);
              keys.updateIdentityCredentials(identity.chain(), identity.key());
            },
            meters);
    try {
      watch.start();
    } catch (Exception e) {
      watch.close();
      throw new ConfigException(
          key
              + ": cannot use certificateChain "
              + chain
              + ", privateKey "
              + privateKey
              + " and trustedCertificates "
              + trusted
              + ": "
              + e.getMessage(),
          e);
    }
    return new GrpcTls(config, keys, trust, watch);
  }

  /** Whether the link is mutual TLS. */
  public boolean enabled() {
    return config.enabled();
  }

  /** A server's credentials: mutual TLS requiring a client certificate, or plaintext. */
  public ServerCredentials serverCredentials() {
    if (!enabled()) {
      return InsecureServerCredentials.create();
    }
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** A client's credentials: mutual TLS, or plaintext. */
  public ChannelCredentials channelCredentials() {
    if (!enabled()) {
      return InsecureChannelCredentials.create();
    }
    return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(trust).build();
  }

  /**
   * A channel builder to {@code target} with these credentials, checking the server's certificate
   * for {@link InternalTls#serverName()} when one is set.
   */
  public ManagedChannelBuilder<?> channelBuilder(String target) {
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, channelCredentials());
    String serverName = serverNameOrNull();
    if (serverName != null) {
      builder.overrideAuthority(serverName);
    }
    return builder;
  }

  /**
   * The name a client checks the server's certificate for in place of the dialled host; null when
   * none is configured (or TLS is off).
   */
  public String serverNameOrNull() {
    return enabled() && !config.serverName().isEmpty() ? config.serverName() : null;
  }

  /** This end's identity, reloaded in place (for servers not on grpc-java: Armeria). */
  public KeyManager keyManager() {
    return keys;
  }

  /** The CAs the other end must chain to, reloaded in place. */
  public TrustManager trustManager() {
    return trust;
  }

  /** Stops watching the files. Idempotent. */
  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
