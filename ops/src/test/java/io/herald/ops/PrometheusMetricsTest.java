package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
  @Test
  void aNewRegistryHasTheJvmAndCpuMeters() {
    PrometheusMeterRegistry meters = PrometheusMetrics.newRegistry();

    assertThat(meters.scrape()).contains("jvm_memory_used_bytes", "process_cpu_usage");
  }

  @Test
  void heraldTimersPublishTheFixedLatencyBuckets() {
    PrometheusMeterRegistry meters = PrometheusMetrics.newRegistry();
    Timer timer = Timer.builder("herald.test.latency").tag("result", "ok").register(meters);
    timer.record(Duration.ofMillis(3));
    timer.record(Duration.ofSeconds(30));

    String text = meters.scrape();

    assertThat(text.lines().filter(l -> l.startsWith("herald_test_latency_seconds_bucket{")))
        .hasSize(PrometheusMetrics.LATENCY_BUCKETS.size() + 1)
        .contains(
            "herald_test_latency_seconds_bucket{result=\"ok\",le=\"0.0025\"} 0",
            "herald_test_latency_seconds_bucket{result=\"ok\",le=\"0.005\"} 1",
            "herald_test_latency_seconds_bucket{result=\"ok\",le=\"10.0\"} 1",
            "herald_test_latency_seconds_bucket{result=\"ok\",le=\"+Inf\"} 2");
  }

  @Test
  void gcPausesHaveBucketsAndOtherMetersNone() {
    PrometheusMeterRegistry meters = PrometheusMetrics.newRegistry();
    Timer.builder("jvm.gc.pause").tag("gc", "x").register(meters).record(Duration.ofMillis(20));
    Timer.builder("other.latency").register(meters).record(Duration.ofMillis(20));
    Counter.builder("herald.test.count").register(meters).increment();

    String text = meters.scrape();

    assertThat(text).contains("jvm_gc_pause_seconds_bucket{gc=\"x\",le=\"0.025\"} 1");
    assertThat(text).doesNotContain("other_latency_seconds_bucket", "herald_test_count_bucket");
  }
}
