package io.herald.logic.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void countBoundRefusesUntilAPermitIsGivenBack() {
    InFlightLimit limit = new InFlightLimit("push", 2, 1000, meters);
    InFlightLimit.Permit a = limit.tryAcquire(10);
    InFlightLimit.Permit b = limit.tryAcquire(10);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(limit.tryAcquire(10)).isNull();
    assertThat(limit.inFlight()).isEqualTo(2);
    assertThat(limit.bytesInFlight()).isEqualTo(20);

    a.release();
    a.release(); // once only
    assertThat(limit.inFlight()).isEqualTo(1);
    assertThat(limit.tryAcquire(10)).isNotNull();
    assertThat(meters.counter("herald.logic.overloaded", "kind", "push").count()).isEqualTo(1);
  }

  @Test
  void byteBoundRefusesWhatWouldGoPastItButAdmitsOneLargeRequestAlone() {
    InFlightLimit limit = new InFlightLimit("push", 100, 1000, meters);
    InFlightLimit.Permit large = limit.tryAcquire(5000);
    assertThat(large).isNotNull(); // nothing else in flight: never refused forever
    assertThat(limit.tryAcquire(1)).isNull();
    large.release();
    InFlightLimit.Permit half = limit.tryAcquire(600);
    assertThat(half).isNotNull();
    assertThat(limit.tryAcquire(500)).isNull();
    assertThat(limit.tryAcquire(400)).isNotNull();
    assertThat(limit.inFlight()).isEqualTo(2);
    assertThat(limit.bytesInFlight()).isEqualTo(1000);
    assertThat(meters.get("herald.logic.inflight").tag("kind", "push").gauge().value())
        .isEqualTo(2);
    assertThat(meters.get("herald.logic.inflight.bytes").tag("kind", "push").gauge().value())
        .isEqualTo(1000);
  }
}
