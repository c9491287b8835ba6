package io.herald.it.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks queries against what the roles export: every metric a query selects is a sample name some
 * role's {@code /metrics} has, every label a selector matches on is one that metric carries, and
 * every label a query groups or matches by is carried by one of the metrics it selects. Prometheus
 * adds {@code instance} and {@code job} to every scraped sample and writes {@code up} itself.
 */
public final class ExportedQueries {
  static final Set<String> TARGET_LABELS = Set.of("instance", "job");
  static final Set<String> PROMETHEUS_METRICS = Set.of("up");

  private ExportedQueries() {}

  /**
   * What is wrong with the queries of {@code deploy/observability/} against the roles' {@code
   * /metrics} texts {@code expositions}; empty when nothing is.
   */
  public static List<String> problems(List<String> expositions) throws IOException {
    return problems(ObservabilityFiles.queries(), exposition(expositions));
  }

  /** The same for the queries of {@code dashboardJson} alone: a dashboard changed by a test. */
  public static List<String> dashboardProblems(String dashboardJson, List<String> expositions)
      throws IOException {
    return problems(
        ObservabilityFiles.dashboardQueries(new ObjectMapper().readTree(dashboardJson)),
        exposition(expositions));
  }

  private static Exposition exposition(List<String> expositions) {
    Exposition exported = new Exposition();
    expositions.forEach(exported::add);
    return exported;
  }

  /** What is wrong with {@code queries} against {@code exported}; empty when nothing is. */
  static List<String> problems(List<ObservabilityFiles.Query> queries, Exposition exported) {
    List<String> problems = new ArrayList<>();
    for (ObservabilityFiles.Query query : queries) {
      PromQuery read;
      try {
        read = PromQuery.parse(query.expr());
      } catch (IllegalArgumentException e) {
        problems.add(query.where() + ": " + e.getMessage());
        continue;
      }
      if (read.metrics().isEmpty()) {
        problems.add(query.where() + ": selects no metric: " + query.expr());
      }
      Set<String> carried = new LinkedHashSet<>(TARGET_LABELS);
      for (String metric : read.metrics()) {
        if (PROMETHEUS_METRICS.contains(metric)) {
          checkLabels(query, metric, read, TARGET_LABELS, problems);
          continue;
        }
        if (!exported.has(metric)) {
          problems.add(query.where() + ": " + metric + " is exported by no role");
          continue;
        }
        carried.addAll(exported.labels(metric));
        checkLabels(query, metric, read, exported.labels(metric), problems);
      }
      for (String label : read.groupingLabels()) {
        if (!carried.contains(label)) {
          problems.add(
              query.where()
                  + ": groups by "
                  + label
                  + ", which none of "
                  + read.metrics()
                  + " has");
        }
      }
    }
    return problems;
  }

  private static void checkLabels(
      ObservabilityFiles.Query query,
      String metric,
      PromQuery read,
      Set<String> labels,
      List<String> problems) {
    Set<String> wanted = new LinkedHashSet<>(read.selectorLabels().get(metric));
    wanted.addAll(query.labels());
    for (String label : wanted) {
      if (!labels.contains(label) && !TARGET_LABELS.contains(label)) {
        problems.add(query.where() + ": " + metric + " has no label " + label + " " + labels);
      }
    }
  }
}
