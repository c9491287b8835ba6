package io.herald.ops.armeria;

import com.linecorp.armeria.server.ServerBuilder;
import io.herald.ops.tls.GrpcTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;

/** Mutual TLS on an Armeria server's HTTPS ports from a {@link GrpcTls}. */
public final class ArmeriaTls {
  private ArmeriaTls() {}

  /**
   * Serves TLS 1.2 and 1.3 with {@code tls}'s certificate on the server's HTTPS ports and requires
   * every client there to present a certificate from {@code tls}'s trusted CAs. The certificate and
   * the CAs are read through {@code tls}'s managers at each handshake, so a reload from disk
   * applies to new connections.
   */
  public static ServerBuilder requireClientCertificates(ServerBuilder builder, GrpcTls tls) {
    return builder
        .tls(new KeyManagerFactoryWrapper(tls.keyManager()))
        .tlsCustomizer(
            ssl ->
                ssl.trustManager(tls.trustManager())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2"));
  }
}
