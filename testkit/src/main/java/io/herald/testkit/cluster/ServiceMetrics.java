package io.herald.testkit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Figures a role publishes about itself, scraped from its Prometheus endpoint ({@code /metrics}):
 * any counter or gauge by name and labels, and heap in use and GC pauses as the JVM's Micrometer
 * binders report them. Each figure is the sum over the series that match (every GC, every heap
 * pool). What tests and benchmarks read of a role in a process of its own.
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
    return scrape("http://127.0.0.1:" + port + "/metrics");
  }

  /** Scrapes {@code url} once. */
  public static ServiceMetrics scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + ": HTTP " + response.statusCode());
    }
    return parse(response.body());
  }

  /** Scrapes {@code url} once, failing with an unchecked exception: for a test's {@code await}. */
  public static ServiceMetrics of(String url) {
    try {
      return scrape(url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sum of the samples of {@code name} (as Prometheus names it, e.g. {@code
   * herald_job_fanout_total}) that carry every label of {@code labels}: pairs of name and value.
   */
  public double value(String name, String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels: name and value pairs, got " + labels.length);
    }
    double total = 0;
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || !line.startsWith(name) || !isSampleOf(line, name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length && all; i += 2) {
        all = line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Whether a sample of {@code name} is published at all. */
  public boolean has(String name) {
    return text.lines().anyMatch(line -> line.startsWith(name) && isSampleOf(line, name));
  }

  /** The exposition as scraped. */
  public String text() {
    return text;
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
