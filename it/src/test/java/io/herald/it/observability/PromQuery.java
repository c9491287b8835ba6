package io.herald.it.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a PromQL expression reads, found by a small tokenizer rather than a full parser: the metric
 * names it selects, the label names each selector matches on, and the label names of its {@code
 * by}, {@code without}, {@code on}, {@code ignoring} and {@code group_left/right} clauses.
 *
 * <p>Skipped: function and aggregation names (an identifier followed by {@code (}; an unknown one
 * is an error, so a typo such as {@code rat(} does not pass as a metric), keywords and set
 * operators, numbers and durations ({@code 5m}, {@code [10m:1m]}), strings (label matchers' values,
 * {@code label_replace}'s arguments) and Grafana's variables ({@code $__rate_interval}, {@code
 * $region}). {@code {__name__="x"}} names metric {@code x}. Unbalanced brackets are an error.
 *
 * @param metrics the metric names selected, in order of appearance
 * @param selectorLabels for each metric, the label names its selectors match on
 * @param groupingLabels label names of grouping and matching clauses
 */
record PromQuery(
    Set<String> metrics, Map<String, Set<String>> selectorLabels, Set<String> groupingLabels) {

  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end");
  private static final Set<String> CLAUSES =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> FUNCTIONS =
      Set.of(
          // aggregations
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio",
          // functions
          "abs",
          "absent",
          "absent_over_time",
          "ceil",
          "changes",
          "clamp",
          "clamp_max",
          "clamp_min",
          "day_of_month",
          "day_of_week",
          "day_of_year",
          "days_in_month",
          "delta",
          "deriv",
          "exp",
          "floor",
          "histogram_avg",
          "histogram_count",
          "histogram_fraction",
          "histogram_quantile",
          "histogram_stddev",
          "histogram_stdvar",
          "histogram_sum",
          "double_exponential_smoothing",
          "holt_winters",
          "hour",
          "idelta",
          "increase",
          "irate",
          "label_join",
          "label_replace",
          "ln",
          "log2",
          "log10",
          "minute",
          "month",
          "predict_linear",
          "rate",
          "resets",
          "round",
          "scalar",
          "sgn",
          "sort",
          "sort_desc",
          "sort_by_label",
          "sort_by_label_desc",
          "sqrt",
          "time",
          "timestamp",
          "vector",
          "year",
          "avg_over_time",
          "min_over_time",
          "max_over_time",
          "sum_over_time",
          "count_over_time",
          "quantile_over_time",
          "stddev_over_time",
          "stdvar_over_time",
          "last_over_time",
          "present_over_time",
          "mad_over_time",
          "acos",
          "acosh",
          "asin",
          "asinh",
          "atan",
          "atanh",
          "cos",
          "cosh",
          "sin",
          "sinh",
          "tan",
          "tanh",
          "deg",
          "pi",
          "rad");

  enum Kind {
    IDENT,
    STRING,
    NUMBER,
    PUNCT
  }

  record Token(Kind kind, String text) {
    boolean is(String punct) {
      return kind == Kind.PUNCT && text.equals(punct);
    }
  }

  /**
   * Reads {@code expr}.
   *
   * @throws IllegalArgumentException for an unknown function, an unterminated string, unbalanced
   *     brackets, or a character PromQL does not have
   */
  static PromQuery parse(String expr) {
    List<Token> tokens = tokenize(expr);
    checkBalanced(expr, tokens);
    Set<String> metrics = new LinkedHashSet<>();
    Map<String, Set<String>> selectorLabels = new LinkedHashMap<>();
    Set<String> grouping = new LinkedHashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      // sum(...), and sum by (x) (...): an aggregation's clause may come before its argument.
      boolean call =
          next != null
              && (next.is("(")
                  || (next.kind() == Kind.IDENT
                      && (next.text().equals("by") || next.text().equals("without"))));
      if (token.is("{")) {
        String metric =
            i > 0 && tokens.get(i - 1).kind() == Kind.IDENT ? tokens.get(i - 1).text() : null;
        i = matchers(expr, tokens, i, metric, metrics, selectorLabels);
      } else if (token.kind() != Kind.IDENT) {
        continue;
      } else if (CLAUSES.contains(token.text())) {
        if (call) {
          i = labelList(expr, tokens, i + 1, grouping);
        }
      } else if (KEYWORDS.contains(token.text())) {
        continue;
      } else if (call) {
        if (!FUNCTIONS.contains(token.text())) {
          throw new IllegalArgumentException("unknown function " + token.text() + "() in: " + expr);
        }
      } else {
        metrics.add(token.text());
        selectorLabels.computeIfAbsent(token.text(), m -> new LinkedHashSet<>());
      }
    }
    return new PromQuery(metrics, selectorLabels, grouping);
  }

  /** Reads {@code {name op "value", ...}} from the {@code {} at {@code open}; returns its end. */
  private static int matchers(
      String expr,
      List<Token> tokens,
      int open,
      String metric,
      Set<String> metrics,
      Map<String, Set<String>> selectorLabels) {
    List<String> labels = new ArrayList<>();
    String named = metric;
    int i = open + 1;
    while (!tokens.get(i).is("}")) {
      Token label = tokens.get(i);
      Token op = tokens.get(i + 1);
      Token value = tokens.get(i + 2);
      if (label.kind() != Kind.IDENT
          || op.kind() != Kind.PUNCT
          || !Set.of("=", "!=", "=~", "!~").contains(op.text())
          || value.kind() != Kind.STRING) {
        throw new IllegalArgumentException("bad label matcher at " + label.text() + ": " + expr);
      }
      if (label.text().equals("__name__") && op.text().equals("=")) {
        named = value.text();
      } else {
        labels.add(label.text());
      }
      i += 3;
      if (tokens.get(i).is(",")) {
        i++;
      }
    }
    if (named == null) {
      throw new IllegalArgumentException("a selector without a metric name: " + expr);
    }
    metrics.add(named);
    selectorLabels.computeIfAbsent(named, m -> new LinkedHashSet<>()).addAll(labels);
    return i;
  }

  /** Reads {@code (a, b, ...)} from the {@code (} at {@code open}; returns its end. */
  private static int labelList(String expr, List<Token> tokens, int open, Set<String> into) {
    int i = open + 1;
    while (!tokens.get(i).is(")")) {
      Token token = tokens.get(i);
      if (token.kind() == Kind.IDENT) {
        into.add(token.text());
      } else if (!token.is(",")) {
        throw new IllegalArgumentException("bad label list at " + token.text() + ": " + expr);
      }
      i++;
    }
    return i;
  }

  private static void checkBalanced(String expr, List<Token> tokens) {
    StringBuilder open = new StringBuilder();
    for (Token token : tokens) {
      if (token.kind() != Kind.PUNCT) {
        continue;
      }
      switch (token.text()) {
        case "(", "[", "{" -> open.append(token.text());
        case ")", "]", "}" -> {
          String expected =
              switch (token.text()) {
                case ")" -> "(";
                case "]" -> "[";
                default -> "{";
              };
          if (open.isEmpty() || !open.substring(open.length() - 1).equals(expected)) {
            throw new IllegalArgumentException("unbalanced " + token.text() + " in: " + expr);
          }
          open.setLength(open.length() - 1);
        }
        default -> {}
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException("unclosed " + open + " in: " + expr);
    }
  }

  static List<Token> tokenize(String expr) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < n && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        int start = ++i;
        StringBuilder value = new StringBuilder();
        while (i < n && expr.charAt(i) != c) {
          if (expr.charAt(i) == '\\' && c != '`' && i + 1 < n) {
            i++;
          }
          value.append(expr.charAt(i++));
        }
        if (i >= n) {
          throw new IllegalArgumentException("unterminated string at " + start + ": " + expr);
        }
        i++;
        tokens.add(new Token(Kind.STRING, value.toString()));
      } else if (c == '$') {
        // A Grafana variable: $name, ${name}, ${name:format}; it stands for a value or a duration.
        int start = i++;
        if (i < n && expr.charAt(i) == '{') {
          while (i < n && expr.charAt(i) != '}') {
            i++;
          }
          i++;
        } else {
          while (i < n && isIdentPart(expr.charAt(i))) {
            i++;
          }
        }
        tokens.add(new Token(Kind.NUMBER, expr.substring(start, i)));
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr.charAt(i + 1)))) {
        // Numbers (1, 0.5, 1e3, 0x1f) and durations (5m, 1h30m, 100ms).
        int start = i;
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
        tokens.add(new Token(Kind.NUMBER, expr.substring(start, i)));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && isIdentPart(expr.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.IDENT, expr.substring(start, i)));
      } else if ("(){}[],".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.PUNCT, String.valueOf(c)));
        i++;
      } else if ("=!<>+-*/%^@:~".indexOf(c) >= 0) {
        int start = i;
        i++;
        if (i < n && "=~".indexOf(expr.charAt(i)) >= 0 && "=!<>".indexOf(c) >= 0) {
          i++;
        }
        tokens.add(new Token(Kind.PUNCT, expr.substring(start, i)));
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' at " + i + ": " + expr);
      }
    }
    return tokens;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }
}
