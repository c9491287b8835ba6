package io.herald.it.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL that {@code deploy/observability/} sends to Prometheus: every panel target's {@code
 * expr} and every query variable of the Grafana dashboard, and every alert's {@code expr}.
 */
public final class ObservabilityFiles {
  static final Path ROOT = Path.of("..", "deploy", "observability");
  public static final Path DASHBOARD =
      ROOT.resolve(Path.of("grafana", "dashboards", "herald.json"));
  static final Path ALERTS = ROOT.resolve(Path.of("prometheus", "alerts.yml"));

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(?:(.*),)?\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");

  /**
   * One query and where it is.
   *
   * @param where e.g. {@code herald.json panel "Connections per region" A}
   * @param expr PromQL, or the metric selector of a {@code label_values} variable
   * @param labels label names the query reads besides those in {@code expr} (a {@code label_values}
   *     variable's label)
   */
  record Query(String where, String expr, Set<String> labels) {}

  private ObservabilityFiles() {}

  static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  static JsonNode alerts() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
  }

  /** Every query of the dashboard and the alert rules as the files are now. */
  static List<Query> queries() throws IOException {
    List<Query> queries = new ArrayList<>(dashboardQueries(dashboard()));
    queries.addAll(alertQueries(alerts()));
    return queries;
  }

  static List<Query> dashboardQueries(JsonNode dashboard) {
    List<Query> queries = new ArrayList<>();
    panels(dashboard.path("panels"), queries);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (!variable.path("type").asText().equals("query")) {
        continue;
      }
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      String where = "herald.json variable " + variable.path("name").asText();
      Matcher values = LABEL_VALUES.matcher(text);
      if (values.matches()) {
        queries.add(
            new Query(
                where, values.group(1) == null ? "" : values.group(1), Set.of(values.group(2))));
      } else {
        queries.add(new Query(where, text, Set.of()));
      }
    }
    return queries;
  }

  private static void panels(JsonNode panels, List<Query> into) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.has("expr")) {
          into.add(
              new Query(
                  "herald.json panel \""
                      + panel.path("title").asText()
                      + "\" "
                      + target.path("refId").asText(),
                  target.path("expr").asText(),
                  Set.of()));
        }
      }
      panels(panel.path("panels"), into); // a collapsed row holds its panels
    }
  }

  static List<Query> alertQueries(JsonNode alerts) {
    List<Query> queries = new ArrayList<>();
    for (JsonNode group : alerts.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name =
            rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
        queries.add(new Query("alerts.yml " + name, rule.path("expr").asText(), Set.of()));
      }
    }
    return queries;
  }

  /** The field names of {@code node}, for checks that refuse unknown ones. */
  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      names.add(it.next().getKey());
    }
    return names;
  }
}
