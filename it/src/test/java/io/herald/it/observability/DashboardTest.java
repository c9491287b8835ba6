package io.herald.it.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The structure of {@code deploy/observability/grafana/dashboards/herald.json}: importable anywhere
 * (its Prometheus is the {@code datasource} variable, not a fixed uid), region and Comet variables
 * from {@code herald_comet_info}, rows, unique panel ids, panels inside the 24-column grid, and a
 * query in every panel. (That every metric it queries is exported: {@code SystemIT}.)
 */
class DashboardTest {
  @Test
  void theDashboardIsImportableWithAnyPrometheus() throws Exception {
    JsonNode dashboard = ObservabilityFiles.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("herald-overview");
    assertThat(dashboard.path("title").asText()).isEqualTo("Herald");
    assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull()).isTrue();
    JsonNode variables = dashboard.path("templating").path("list");
    assertThat(variables.get(0).path("name").asText()).isEqualTo("datasource");
    assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
    assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
    List<String> names = new ArrayList<>();
    variables.forEach(v -> names.add(v.path("name").asText()));
    assertThat(names).contains("region", "server");
    for (JsonNode panel : panels(dashboard)) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void panelsSitInRowsOnTheGridWithUniqueIdsAndAQueryEach() throws Exception {
    JsonNode dashboard = ObservabilityFiles.dashboard();
    Set<Integer> ids = new HashSet<>();
    List<String> rows = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      String title = panel.path("title").asText();
      assertThat(ids.add(panel.path("id").asInt())).as("id of %s is unique", title).isTrue();
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(title).isBetween(1, 24);
      assertThat(grid.path("h").asInt()).as(title).isPositive();
      if (panel.path("type").asText().equals("row")) {
        rows.add(title);
        continue;
      }
      assertThat(rows).as("%s is inside a row", title).isNotEmpty();
      assertThat(title).isNotBlank();
      assertThat(panel.path("description").asText()).as(title).isNotBlank();
      assertThat(panel.path("targets").size()).as(title).isPositive();
      Set<String> refIds = new HashSet<>();
      for (JsonNode target : panel.path("targets")) {
        assertThat(refIds.add(target.path("refId").asText())).as(title).isTrue();
        assertThat(PromQuery.parse(target.path("expr").asText()).metrics()).as(title).isNotEmpty();
      }
    }
    assertThat(rows)
        .containsExactly(
            "Connections",
            "Pushes and deliveries",
            "Drops and slow consumers",
            "Kafka",
            "Authentication",
            "Latency",
            "Backends",
            "JVM");
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }
}
