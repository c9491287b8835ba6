package io.herald.it.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportedQueriesTest {
  private static final Exposition EXPORTED =
      new Exposition()
          .add(
              """
              # HELP herald_comet_info This Comet's server id and region
              # TYPE herald_comet_info gauge
              herald_comet_info{region="cn-east",server="c-1"} 1.0
              herald_comet_connections{transport="tcp"} 3.0
              """)
          .add(
              """
              herald_job_delivery_latency_seconds_bucket{call="push",le="0.001"} 0.0
              herald_job_delivery_latency_seconds_count{call="push"} 2.0
              herald_job_consumer_lag 0.0
              weird_label_values{a="x,y=\\"}",b="z"} 1.0
              """);

  private static ObservabilityFiles.Query query(String expr) {
    return new ObservabilityFiles.Query("panel \"test\" A", expr, Set.of());
  }

  @Test
  void theExpositionKeepsSampleNamesAndTheirLabels() {
    assertThat(EXPORTED.labels("herald_job_delivery_latency_seconds_bucket"))
        .containsExactly("call", "le");
    assertThat(EXPORTED.labels("weird_label_values")).containsExactly("a", "b");
    assertThat(EXPORTED.has("herald_job_delivery_latency_seconds")).isFalse();
  }

  @Test
  void queriesOfExportedMetricsAndTheirLabelsPass() {
    List<ObservabilityFiles.Query> queries =
        List.of(
            query(
                "sum by (region) (herald_comet_connections{transport=\"tcp\"}"
                    + " * on (instance) group_left (region) herald_comet_info)"),
            query(
                "histogram_quantile(0.99, sum by (call, le)"
                    + " (rate(herald_job_delivery_latency_seconds_bucket[5m])))"),
            query("sum by (job, instance) (herald_job_consumer_lag) or up{job=\"x\"} == 0"),
            new ObservabilityFiles.Query("variable", "herald_comet_info", Set.of("region")));

    assertThat(ExportedQueries.problems(queries, EXPORTED)).isEmpty();
  }

  @Test
  void aMetricNoRoleExportsIsNamed() {
    assertThat(
            ExportedQueries.problems(
                List.of(query("rate(herald_comet_no_such_thing_total[5m])")), EXPORTED))
        .containsExactly(
            "panel \"test\" A: herald_comet_no_such_thing_total is exported by no role");
  }

  @Test
  void aHistogramIsQueriedThroughItsSeries() {
    assertThat(
            ExportedQueries.problems(
                List.of(query("rate(herald_job_delivery_latency_seconds[5m])")), EXPORTED))
        .hasSize(1);
  }

  @Test
  void aLabelTheMetricDoesNotCarryIsNamed() {
    assertThat(
            ExportedQueries.problems(
                List.of(
                    query("herald_job_consumer_lag{partition=\"1\"}"),
                    query("sum by (region) (herald_comet_connections)"),
                    new ObservabilityFiles.Query("variable", "herald_comet_info", Set.of("zone"))),
                EXPORTED))
        .containsExactly(
            "panel \"test\" A: herald_job_consumer_lag has no label partition []",
            "panel \"test\" A: groups by region, which none of [herald_comet_connections] has",
            "variable: herald_comet_info has no label zone [region, server]");
  }

  @Test
  void anUnreadableQueryIsAProblemNotACrash() {
    assertThat(ExportedQueries.problems(List.of(query("sum(rate(x[5m])")), EXPORTED))
        .singleElement()
        .asString()
        .contains("unclosed");
  }
}
