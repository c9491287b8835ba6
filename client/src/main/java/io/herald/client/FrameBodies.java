package io.herald.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The JSON bodies of the client's control frames. The AUTH (op 7) body, goim's JSON plus Herald's
 * optional {@code token}: {@code
 * {"mid":123,"key":"","room_id":"live://1000","platform":"web","accepts":[1000,1001],"token":"..."}}.
 * And the version 2 AUTH_REPLY body {@code {"mid":123,"key":"...","heartbeat_ms":240000}}, and the
 * RECONNECT (op 21) body.
 */
final class FrameBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FrameBodies() {}

  /** The AUTH body; {@code token} is left out when empty, as goim's clients do. */
  static byte[] json(
      long mid,
      String key,
      String roomId,
      String platform,
      Collection<Integer> accepts,
      String token) {
    ObjectNode root = JSON.createObjectNode();
    root.put("mid", mid).put("key", key).put("room_id", roomId).put("platform", platform);
    var array = root.putArray("accepts");
    accepts.forEach(array::add);
    if (!token.isEmpty()) {
      root.put("token", token);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a version 2 AUTH_REPLY says; {@code null} fields for an empty (version 1) body. */
  record Reply(Long mid, String key, long heartbeatMillis) {
    static final Reply EMPTY = new Reply(null, null, 0);

    static Reply parse(byte[] body) {
      if (body.length == 0) {
        return EMPTY;
      }
      try {
        JsonNode root = JSON.readTree(body);
        JsonNode mid = root.get("mid");
        JsonNode key = root.get("key");
        JsonNode heartbeat = root.get("heartbeat_ms");
        return new Reply(
            mid != null && mid.canConvertToLong() ? mid.asLong() : null,
            key != null && key.isTextual() ? key.asText() : null,
            heartbeat != null ? heartbeat.asLong(0) : 0);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "AUTH_REPLY body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }
  }

  /** A RECONNECT (op 21) body: {@code {"reason":"draining","nodes":["host:port",...]}}. */
  record Reconnect(String reason, java.util.List<String> nodes) {
    static Reconnect parse(byte[] body) {
      try {
        JsonNode root = JSON.readTree(body);
        String reason = root.path("reason").asText("reconnect");
        var nodes = new java.util.ArrayList<String>();
        for (JsonNode node : root.path("nodes")) {
          if (node.isTextual() && !node.asText().isEmpty()) {
            nodes.add(node.asText());
          }
        }
        return new Reconnect(reason, java.util.List.copyOf(nodes));
      } catch (IOException | RuntimeException e) {
        return new Reconnect("reconnect", java.util.List.of());
      }
    }
  }
}
