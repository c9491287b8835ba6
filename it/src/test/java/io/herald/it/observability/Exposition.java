package io.herald.it.observability;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sample names of Prometheus text expositions ({@code /metrics}), each with the label names its
 * samples carry. Sample names are as scraped, so a histogram {@code x} appears as {@code x_bucket},
 * {@code x_count} and {@code x_sum} (with {@code le} on {@code x_bucket}), as PromQL names them.
 * Expositions of several processes add up: what some role exports.
 */
final class Exposition {
  private final Map<String, Set<String>> labels = new TreeMap<>();

  /** Adds every sample of {@code text}; comments ({@code # HELP}, {@code # TYPE}) are skipped. */
  Exposition add(String text) {
    for (String line : text.lines().toList()) {
      String sample = line.strip();
      if (sample.isEmpty() || sample.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < sample.length() && sample.charAt(end) != '{' && sample.charAt(end) != ' ') {
        end++;
      }
      Set<String> names =
          labels.computeIfAbsent(sample.substring(0, end), n -> new LinkedHashSet<>());
      if (end < sample.length() && sample.charAt(end) == '{') {
        readLabelNames(sample, end + 1, names);
      }
    }
    return this;
  }

  /** Whether some sample is named {@code metric}. */
  boolean has(String metric) {
    return labels.containsKey(metric);
  }

  /** The label names the samples named {@code metric} carry (empty for an unknown metric). */
  Set<String> labels(String metric) {
    return labels.getOrDefault(metric, Set.of());
  }

  Set<String> metrics() {
    return labels.keySet();
  }

  private static void readLabelNames(String sample, int from, Set<String> into) {
    int i = from;
    while (i < sample.length() && sample.charAt(i) != '}') {
      int eq = sample.indexOf('=', i);
      into.add(sample.substring(i, eq).strip());
      i = eq + 2; // past ="
      while (sample.charAt(i) != '"') {
        i += sample.charAt(i) == '\\' ? 2 : 1;
      }
      i++;
      if (sample.charAt(i) == ',') {
        i++;
      }
    }
  }
}
