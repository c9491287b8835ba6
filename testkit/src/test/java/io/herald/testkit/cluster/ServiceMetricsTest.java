package io.herald.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  private static final String TEXT =
      String.join(
          "\n",
          "# HELP jvm_gc_pause_seconds Time spent in GC pause",
          "# TYPE jvm_gc_pause_seconds summary",
          "jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\","
              + "gc=\"G1 Young Generation\"} 7",
          "jvm_gc_pause_seconds_sum{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\","
              + "gc=\"G1 Young Generation\"} 0.042",
          "jvm_gc_pause_seconds_count{action=\"end of major GC\",cause=\"System.gc()\","
              + "gc=\"G1 Old Generation\"} 2",
          "jvm_gc_pause_seconds_sum{action=\"end of major GC\",cause=\"System.gc()\","
              + "gc=\"G1 Old Generation\"} 0.018",
          "jvm_gc_pause_seconds_max{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\","
              + "gc=\"G1 Young Generation\"} 0.011",
          "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1048576.0",
          "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.097152E7",
          "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 3.3554432E7",
          "jvm_memory_used_bytes_total 5",
          "");

  @Test
  void gcPausesAddUpOverEveryCollectorAndCause() {
    ServiceMetrics metrics = ServiceMetrics.parse(TEXT);

    assertThat(metrics.gcPauses()).isEqualTo(9);
    assertThat(metrics.gcPauseMillis()).isCloseTo(60.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void heapUsedCountsHeapPoolsOnlyAndNotOtherMetricsSharingThePrefix() {
    ServiceMetrics metrics = ServiceMetrics.parse(TEXT);

    assertThat(metrics.heapUsedBytes()).isEqualTo(1_048_576L + 20_971_520L);
    assertThat(metrics.sum("jvm_memory_used_bytes", ""))
        .isEqualTo(1_048_576.0 + 2.097152E7 + 3.3554432E7);
  }
}
