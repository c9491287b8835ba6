package io.herald.it.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQueryTest {
  @Test
  void readsMetricsSelectorLabelsAndGroupingLabels() {
    PromQuery query =
        PromQuery.parse(
            "sum by (region) (rate(herald_comet_pushes_total{kind=\"room\"}[$__rate_interval])"
                + " * on (instance) group_left (region, server)"
                + " herald_comet_info{region=~\"$region\", server=~\"$server\"})");

    assertThat(query.metrics()).containsExactly("herald_comet_pushes_total", "herald_comet_info");
    assertThat(query.selectorLabels().get("herald_comet_pushes_total")).containsExactly("kind");
    assertThat(query.selectorLabels().get("herald_comet_info")).containsExactly("region", "server");
    assertThat(query.groupingLabels()).containsExactly("region", "instance", "server");
  }

  @Test
  void skipsFunctionsKeywordsDurationsStringsAndVariables() {
    PromQuery query =
        PromQuery.parse(
            "histogram_quantile(0.99, sum without (pod) (rate(x_bucket{a!~'b|c'}[5m] offset 1h)))"
                + " > bool 1e3 and deriv(sum(y)[10m:1m]) > 0 unless"
                + " label_replace(z, \"dst\", \"$1\", \"src\", \"(.*)\") or vector(1)"
                + " # a comment naming not_a_metric");

    assertThat(query.metrics()).containsExactly("x_bucket", "y", "z");
    assertThat(query.selectorLabels().get("x_bucket")).containsExactly("a");
    assertThat(query.groupingLabels()).containsExactly("pod");
  }

  @Test
  void aBareGroupLeftAndANameMatcherAreRead() {
    PromQuery query =
        PromQuery.parse("a * on (instance) group_left {__name__=\"b\", region=\"x\"} offset 5m");

    assertThat(query.metrics()).containsExactly("a", "b");
    assertThat(query.selectorLabels().get("b")).containsExactly("region");
  }

  @Test
  void anUnknownFunctionIsAnError() {
    assertThatThrownBy(() -> PromQuery.parse("sum(rat(x[5m]))"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown function rat()");
  }

  @Test
  void unbalancedBracketsAndBadMatchersAreErrors() {
    assertThatThrownBy(() -> PromQuery.parse("sum(rate(x[5m])")).hasMessageContaining("unclosed (");
    assertThatThrownBy(() -> PromQuery.parse("rate(x[5m)]")).hasMessageContaining("unbalanced )");
    assertThatThrownBy(() -> PromQuery.parse("x{a=b}")).hasMessageContaining("bad label matcher");
    assertThatThrownBy(() -> PromQuery.parse("x{a=\"b}")).hasMessageContaining("unterminated");
  }
}
