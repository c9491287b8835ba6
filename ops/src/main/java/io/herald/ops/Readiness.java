package io.herald.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether a server can do its work now, as named checks: up when every check passes, and a body
 * naming each check and, for a failing one, why — {@code {"status":"down","checks":
 * {"session_store":"down: no answer within 2s","registry":"ok",...}}}. A check is a supplier of its
 * problem, {@code null} when there is none; a check that throws is down with what it threw.
 */
public final class Readiness {
  /** One named check: what it is called in the body, and its problem now (null: none). */
  public record Check(String name, Supplier<String> problem) {}

  private final List<Check> checks;

  public Readiness(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** Each check's state, in order: {@code ok} or {@code down: <why>}. */
  public Map<String, String> states() {
    Map<String, String> states = new LinkedHashMap<>();
    for (Check check : checks) {
      String problem;
      try {
        problem = check.problem().get();
      } catch (RuntimeException e) {
        problem = "check failed: " + e;
      }
      states.put(check.name(), problem == null ? "ok" : "down: " + problem);
    }
    return states;
  }

  /** Every check now: up when all pass, with their states under {@code checks}. */
  public Health health() {
    Map<String, String> states = states();
    boolean up = states.values().stream().allMatch("ok"::equals);
    return new Health(up, Map.of("checks", states));
  }
}
