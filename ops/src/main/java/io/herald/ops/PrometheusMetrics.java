package io.herald.ops;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The meters a Herald process exposes on {@code GET /metrics}: one Prometheus registry per process,
 * with the JVM's memory and GC meters bound, scraped as Prometheus text format 0.0.4.
 */
public final class PrometheusMetrics {
  /** The content type of {@link PrometheusMeterRegistry#scrape()}'s text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusMetrics() {}

  /** A registry for a server process: the JVM's memory and GC meters bound, nothing else yet. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    return meters;
  }
}
