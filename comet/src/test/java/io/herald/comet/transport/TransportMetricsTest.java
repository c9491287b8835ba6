package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.ProtocolError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransportMetricsTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void everyHandshakeResultAndProtocolErrorIsExportedAtZeroBeforeTheFirst() {
    new TransportMetrics(meters);

    assertThat(meters.find("herald.comet.handshakes").counters())
        .extracting(c -> c.getId().getTag("result"))
        .containsExactlyInAnyOrder("ok", "rejected", "error", "not_auth", "timeout");
    assertThat(meters.find("herald.comet.protocol.errors").counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsAll(Arrays.stream(ProtocolError.values()).map(ProtocolError::tag).toList())
        .contains("bad_websocket", "tls")
        .hasSize(ProtocolError.values().length + 2);
    assertThat(meters.getMeters())
        .filteredOn(m -> m instanceof Counter)
        .allSatisfy(m -> assertThat(((Counter) m).count()).isZero());
  }

  @Test
  void aCountGoesToTheRegisteredSeries() {
    TransportMetrics metrics = new TransportMetrics(meters);

    metrics.handshake("rejected");
    metrics.protocolError("bad_checksum");

    assertThat(meters.get("herald.comet.handshakes").tag("result", "rejected").counter().count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("herald.comet.protocol.errors")
                .tag("reason", "bad_checksum")
                .counter()
                .count())
        .isEqualTo(1);
  }
}
