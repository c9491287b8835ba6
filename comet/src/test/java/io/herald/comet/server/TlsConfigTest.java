package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigLoader;
import io.herald.ops.tls.InternalTls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code listen.tls}, {@code listen.grpcTls} and {@code logic.tls} in deploy/comet.yaml. */
class TlsConfigTest {
  private static final ConfigLoader<CometConfig> LOADER =
      new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET");
  private static final Path EXAMPLE = Path.of("..", "deploy", "comet.yaml");

  @Test
  void theExampleOffersTls13And12WithTheModernSuitesAndPlaintextInside() {
    CometConfig config = LOADER.load(EXAMPLE, Map.of()).config();

    assertThat(config.listen().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(config.listen().tls().ciphers()).isEqualTo(CometConfig.Tls.MODERN_CIPHERS);
    assertThat(config.listen().grpcTls().enabled()).isFalse();
    assertThat(config.logic().tls().enabled()).isFalse();
    assertThat(new CometConfig.Tls("a.crt", "a.key").protocols())
        .isEqualTo(CometConfig.Tls.MODERN_PROTOCOLS);
  }

  @Test
  void oldProtocolsWeakSuitesAndMissingFilesAreNamed() {
    assertThatThrownBy(
            () -> LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_TLS_PROTOCOLS", "TLSv1.2,TLSv1.1")))
        .hasMessageContaining(
            "listen.tls.protocols: TLSv1.1 (expected: TLSv1.3 or TLSv1.2 (SSLv3, TLSv1 and"
                + " TLSv1.1 are broken))");
    assertThatThrownBy(
            () ->
                LOADER.load(
                    EXAMPLE,
                    Map.of(
                        "COMET_LISTEN_TLS_CIPHERS",
                        "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")))
        .hasMessageContaining(
            "listen.tls.ciphers: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (expected: a forward-secret"
                + " AEAD suite");
    assertThatThrownBy(
            () ->
                LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_TLS_CIPHERS", "TLS_AES_128_GCM_SHA256")))
        .hasMessageContaining("listen.tls.ciphers")
        .hasMessageContaining(
            "at least one TLS 1.2 suite (TLS_ECDHE_*) while protocols has TLSv1.2");
    assertThatThrownBy(
            () ->
                LOADER.load(
                    EXAMPLE,
                    Map.of(
                        "COMET_LISTEN_GRPCTLS_ENABLED", "true",
                        "COMET_LISTEN_GRPCTLS_TRUSTEDCERTIFICATES", "")))
        .hasMessageContaining("listen.grpcTls.trustedCertificates: empty (expected: a value)");
    assertThatThrownBy(
            () -> LOADER.load(EXAMPLE, Map.of("COMET_LOGIC_TLS_SERVERNAME", "logic:3119")))
        .hasMessageContaining("logic.tls.serverName: logic:3119 (expected: a host name");
  }

  @Test
  void aLinkSwitchedOnIsCheckedAtStartNamingItsKeyAndFile() {
    CometConfig config =
        LOADER
            .load(
                EXAMPLE,
                Map.of(
                    "COMET_LISTEN_WSSPORT", "0",
                    "COMET_LOGIC_TLS_ENABLED", "true",
                    "COMET_LOGIC_TLS_CERTIFICATECHAIN", "/nonexistent/comet.crt"))
            .config();
    assertThat(config.logic().tls())
        .extracting(InternalTls::enabled, InternalTls::certificateChain)
        .containsExactly(true, "/nonexistent/comet.crt");

    assertThatThrownBy(() -> CometServer.checkTls(config))
        .hasMessageContaining("logic.tls: cannot use certificateChain /nonexistent/comet.crt");
  }
}
