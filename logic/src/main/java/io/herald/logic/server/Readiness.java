package io.herald.logic.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What Logic can do now, as {@code GET /ready} (and {@code /health}) answers it: 200 when every
 * check passes, 503 otherwise, with a JSON body naming each check and, for a failing one, why —
 * {@code {"status":"down","checks":{"session_store":"down: no answer within 2s",
 * "registry":"ok",...}}}. A check is a supplier of its problem, {@code null} when there is none.
 */
final class Readiness {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One named check: what it is called in the body, and its problem now (null: none). */
  record Check(String name, Supplier<String> problem) {}

  private final List<Check> checks;

  Readiness(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** Each check's state, in order: {@code ok} or {@code down: <why>}. */
  Map<String, String> states() {
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

  HttpService service() {
    return (ctx, req) -> {
      Map<String, String> states = states();
      boolean up = states.values().stream().allMatch("ok"::equals);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", up ? "up" : "down");
      body.put("checks", states);
      return HttpResponse.of(
          up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, MediaType.JSON_UTF_8, json(body));
    };
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
