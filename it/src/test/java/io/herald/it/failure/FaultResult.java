package io.herald.it.failure;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * What one fault cost, as the suite's table prints it: the API's answers, what was lost (against
 * the guarantee) and excused (outside it), duplicates, refused pushes that arrived anyway, the
 * recovery time, and every violation of the documented guarantees. Counts are per push and target
 * device (a room push to 8 devices counts 8).
 */
public record FaultResult(
    Fault fault,
    Map<PushKind, Integer> sent,
    Map<PushKind, Integer> accepted,
    Map<String, Integer> answers,
    long slowestCallMillis,
    Map<PushKind, Integer> lost,
    Map<PushKind, Integer> excused,
    Map<PushKind, Integer> duplicates,
    Map<PushKind, Integer> refusedButDelivered,
    OptionalLong recoveryMillis,
    List<String> violations) {

  /** The table's header, Markdown. */
  public static String header() {
    return "| fault | pushes sent | API answers (slowest call) | lost (against the guarantee)"
        + " | not promised, missed | duplicates at the application | refused, arrived anyway"
        + " | recovered |\n| --- | --- | --- | --- | --- | --- | --- | --- |";
  }

  /** The fault's row, Markdown. */
  public String row() {
    int total = sent.values().stream().mapToInt(Integer::intValue).sum();
    String answered =
        answers.entrySet().stream()
            .map(entry -> entry.getKey() + " ×" + entry.getValue())
            .collect(Collectors.joining(", "));
    return "| "
        + fault.name()
        + " | "
        + total
        + " | "
        + answered
        + " ("
        + slowestCallMillis
        + " ms) | "
        + byKind(lost)
        + " | "
        + byKind(excused)
        + " | "
        + byKind(duplicates)
        + " | "
        + byKind(refusedButDelivered)
        + " | "
        + (recoveryMillis.isPresent()
            ? String.format("%.1f s", recoveryMillis.getAsLong() / 1000.0)
            : "not measured")
        + " |";
  }

  private static String byKind(Map<PushKind, Integer> counts) {
    String listed =
        counts.entrySet().stream()
            .filter(entry -> entry.getValue() > 0)
            .map(entry -> entry.getKey().label() + " " + entry.getValue())
            .collect(Collectors.joining(", "));
    return listed.isEmpty() ? "0" : listed;
  }
}
