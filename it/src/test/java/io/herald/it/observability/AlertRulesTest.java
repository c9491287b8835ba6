package io.herald.it.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The structure of {@code deploy/observability/prometheus/alerts.yml}, as Prometheus's rule file
 * format has it: groups with a unique name and rules; each rule an alert with a PromQL expression,
 * a {@code for} duration, a severity label and a summary and description. (That every metric the
 * rules query is exported: {@code SystemIT}.)
 */
class AlertRulesTest {
  private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "limit", "rules");
  private static final Set<String> RULE_FIELDS =
      Set.of("alert", "expr", "for", "keep_firing_for", "labels", "annotations");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Pattern DURATION = Pattern.compile("^([0-9]+(ms|s|m|h|d|w|y))+$");
  private static final Pattern ALERT_NAME = Pattern.compile("^Herald[A-Z][A-Za-z0-9]+$");

  @Test
  void everyGroupAndRuleHasTheFieldsPrometheusAndOperatorsNeed() throws Exception {
    JsonNode file = ObservabilityFiles.alerts();
    assertThat(ObservabilityFiles.fieldNames(file)).containsExactly("groups");
    Set<String> groups = new HashSet<>();
    Set<String> alerts = new HashSet<>();
    for (JsonNode group : file.path("groups")) {
      String name = group.path("name").asText();
      assertThat(groups.add(name)).as("group name %s is unique", name).isTrue();
      assertThat(GROUP_FIELDS)
          .as("group %s", name)
          .containsAll(ObservabilityFiles.fieldNames(group));
      assertThat(group.path("rules").size()).as("group %s has rules", name).isPositive();
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(alert).matches(ALERT_NAME);
        assertThat(alerts.add(alert)).as("alert %s is unique", alert).isTrue();
        assertThat(RULE_FIELDS).as(alert).containsAll(ObservabilityFiles.fieldNames(rule));
        assertThat(rule.path("expr").isTextual()).as("%s expr", alert).isTrue();
        assertThat(PromQuery.parse(rule.path("expr").asText()).metrics()).as(alert).isNotEmpty();
        assertThat(rule.path("for").asText()).as("%s for", alert).matches(DURATION);
        assertThat(ObservabilityFiles.fieldNames(rule.path("labels")))
            .as("%s labels", alert)
            .containsExactly("severity");
        assertThat(SEVERITIES).contains(rule.path("labels").path("severity").asText());
        assertThat(ObservabilityFiles.fieldNames(rule.path("annotations")))
            .as("%s annotations", alert)
            .containsExactlyInAnyOrder("summary", "description");
        assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
      }
    }
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void templatesInAnnotationsAreClosed() throws Exception {
    for (JsonNode group : ObservabilityFiles.alerts().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        for (JsonNode text : rule.path("annotations")) {
          String value = text.asText();
          assertThat(value.split("\\{\\{", -1).length)
              .as("%s: %s", rule.path("alert").asText(), value)
              .isEqualTo(value.split("}}", -1).length);
        }
      }
    }
  }
}
