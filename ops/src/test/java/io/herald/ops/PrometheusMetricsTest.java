package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
  @Test
  void aNewRegistryHasTheJvmMeters() {
    PrometheusMeterRegistry meters = PrometheusMetrics.newRegistry();

    assertThat(meters.scrape()).contains("jvm_memory_used_bytes");
  }
}
