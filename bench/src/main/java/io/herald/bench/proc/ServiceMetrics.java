package io.herald.bench.proc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Figures a service publishes about itself, scraped from its Prometheus endpoint ({@code
 * /metrics}): heap in use and GC pauses as the JVM's Micrometer binders report them. Each sample is
 * the sum over the series of one metric name (every GC, every heap pool).
 */
public final class ServiceMetrics {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String text;

  private ServiceMetrics(String text) {
    this.text = text;
  }

  /** Scrapes {@code http://127.0.0.1:port/metrics} once. */
  public static ServiceMetrics scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /metrics on " + port + ": HTTP " + response.statusCode());
    }
    return parse(response.body());
  }

  /** Reads figures from a Prometheus text exposition. */
  public static ServiceMetrics parse(String text) {
    return new ServiceMetrics(text);
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelFilter}. */
  public double sum(String name, String labelFilter) {
    double total = 0;
    for (String line : text.lines().toList()) {
      if (!line.startsWith("#")
          && line.startsWith(name)
          && isSampleOf(line, name)
          && line.contains(labelFilter)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** GC pauses so far: how many, and their total in milliseconds. */
  public long gcPauses() {
    return (long) sum("jvm_gc_pause_seconds_count", "");
  }

  public double gcPauseMillis() {
    return sum("jvm_gc_pause_seconds_sum", "") * 1e3;
  }

  /** Heap in use over every heap pool, in bytes. */
  public long heapUsedBytes() {
    return (long) sum("jvm_memory_used_bytes", "area=\"heap\"");
  }

  private static boolean isSampleOf(String line, String name) {
    char next = line.length() > name.length() ? line.charAt(name.length()) : ' ';
    return next == '{' || next == ' ';
  }
}
