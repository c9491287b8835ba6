package io.herald.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The meters a Herald process exposes on {@code GET /metrics}: one Prometheus registry per process,
 * with the JVM's memory and GC meters and the process's CPU bound, scraped as Prometheus text
 * format 0.0.4.
 *
 * <p>Every timer named {@code herald.*}, and the JVM's {@code jvm.gc.pause}, publishes a histogram
 * with the fixed buckets of {@link #LATENCY_BUCKETS} ({@code _bucket{le}} series), so dashboards
 * and alerts can take quantiles across instances with {@code histogram_quantile}. The buckets are
 * the same for every timer and few, so a timer costs 14 series per tag combination, not
 * Micrometer's ~70 of {@code publishPercentileHistogram}.
 */
public final class PrometheusMetrics {
  /** The content type of {@link PrometheusMeterRegistry#scrape()}'s text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The upper bounds of the timers' histogram buckets (and {@code +Inf}): 1 ms to 10 s. */
  public static final List<Duration> LATENCY_BUCKETS =
      List.of(
          Duration.ofMillis(1),
          Duration.ofNanos(2_500_000),
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  private PrometheusMetrics() {}

  /**
   * A registry for a server process: histogram buckets for timers, the JVM and CPU meters bound.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(latencyHistograms());
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    return meters;
  }

  /**
   * Gives Herald's timers and {@code jvm.gc.pause} the buckets of {@link #LATENCY_BUCKETS}; leaves
   * every other meter as it is. Must be configured before those meters are registered.
   */
  public static MeterFilter latencyHistograms() {
    double[] bounds = LATENCY_BUCKETS.stream().mapToDouble(Duration::toNanos).toArray();
    DistributionStatisticConfig buckets =
        DistributionStatisticConfig.builder().serviceLevelObjectives(bounds).build();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        boolean timed = id.getType() == Meter.Type.TIMER;
        if (timed && (id.getName().startsWith("herald.") || id.getName().equals("jvm.gc.pause"))) {
          return buckets.merge(config);
        }
        return config;
      }
    };
  }
}
