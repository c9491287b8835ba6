package io.herald.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A health answer as a Herald server gives it on {@code /health}, {@code /ready} or {@code /live}:
 * HTTP 200 when up, 503 when down, and a JSON body {@code {"status":"up"}} or {@code
 * {"status":"down"}} followed by what the role adds ({@code details}, in order): Logic's readiness
 * its {@code checks}, Job its consumer's {@code state}, {@code partitions} and {@code instanceId}.
 *
 * @param up whether the server can do what the endpoint asks
 * @param details more fields of the body, in the order given; values Jackson writes
 */
public record Health(boolean up, Map<String, Object> details) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Up, nothing more to say. */
  public static final Health UP = new Health(true, Map.of());

  /** Down, nothing more to say. */
  public static final Health DOWN = new Health(false, Map.of());

  public Health {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** {@link #UP} or {@link #DOWN}. */
  public static Health of(boolean up) {
    return up ? UP : DOWN;
  }

  /** 200 when up, 503 (service unavailable) when down. */
  public int httpStatus() {
    return up ? 200 : 503;
  }

  /** The body: {@code {"status":"up"|"down", ...details}}. */
  public String json() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "up" : "down");
    body.putAll(details);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("health details that are not JSON: " + details, e);
    }
  }
}
