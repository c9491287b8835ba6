package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code listen.proxyProtocol} in deploy/comet.yaml: off by default, switched per listener. */
class ProxyProtocolConfigTest {
  private static final ConfigLoader<CometConfig> LOADER =
      new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET");
  private static final Path EXAMPLE = Path.of("..", "deploy", "comet.yaml");

  @Test
  void offOnEveryListenerUnlessSwitchedOnOneByOne() {
    assertThat(LOADER.load(EXAMPLE, Map.of()).config().listen().proxyProtocol())
        .isEqualTo(CometConfig.ProxyProtocol.OFF);

    CometConfig.ProxyProtocol on =
        LOADER
            .load(
                EXAMPLE,
                Map.of(
                    "COMET_LISTEN_PROXYPROTOCOL_TCP", "true",
                    "COMET_LISTEN_PROXYPROTOCOL_WSS", "true",
                    "COMET_LISTEN_PROXYPROTOCOL_HEADERTIMEOUT", "2s"))
            .config()
            .listen()
            .proxyProtocol();
    assertThat(on)
        .isEqualTo(new CometConfig.ProxyProtocol(true, false, true, false, Duration.ofSeconds(2)));
  }

  @Test
  void aSwitchOnAListenerThatIsOffOrABadTimeoutIsNamed() {
    // The example has no TCP+TLS listener (tcpTlsPort: 0).
    assertThatThrownBy(
            () -> LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_PROXYPROTOCOL_TCPTLS", "true")))
        .hasMessageContaining(
            "listen.proxyProtocol.tcpTls: true (expected: false while tcpTlsPort is 0 (that"
                + " listener is off))");
    assertThatThrownBy(
            () -> LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_PROXYPROTOCOL_HEADERTIMEOUT", "0s")))
        .hasMessageContaining("listen.proxyProtocol.headerTimeout: 0ms (expected: > 0)");
    assertThatThrownBy(
            () -> LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_PROXYPROTOCOL_HEADERTIMEOUT", "5m")))
        .hasMessageContaining("listen.proxyProtocol.headerTimeout: 5m (expected: at most 1m");
  }
}
