package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.comet.config.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CometInfoTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicBoolean draining = new AtomicBoolean();

  private static CometConfig.Node node(String region) {
    return new CometConfig.Node("comet-sh-01", region, 31.2, 121.5, 20, 5000, "", "", "", "", "");
  }

  @Test
  void theInfoMeterCarriesServerRegionAndTransportAndIsOne() {
    CometInfo.register(node("cn-east"), Transport.EPOLL, draining::get, meters);

    assertThat(
            meters
                .get(CometInfo.INFO)
                .tag("server", "comet-sh-01")
                .tag("region", "cn-east")
                .tag("transport", "epoll")
                .gauge()
                .value())
        .isEqualTo(1.0);
    assertThat(meters.get(CometInfo.INFO).gauge().getId().getTags()).hasSize(3);
  }

  @Test
  void aCometWithoutRegionReportsNone() {
    CometInfo.register(node(""), Transport.EPOLL, draining::get, meters);

    assertThat(meters.get(CometInfo.INFO).tag("region", "none").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void drainingFollowsTheComet() {
    CometInfo.register(node("cn-east"), Transport.EPOLL, draining::get, meters);

    assertThat(meters.get(CometInfo.DRAINING).gauge().value()).isZero();
    draining.set(true);
    assertThat(meters.get(CometInfo.DRAINING).gauge().value()).isEqualTo(1.0);
  }
}
