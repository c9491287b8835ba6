package io.herald.logic.auth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads a client's AUTH body (op 7), goim's JSON: {@code
 * {"mid":123,"key":"","room_id":"live://1000","platform":"web","accepts":[1000,1001],"token":"..."}}.
 *
 * <p>Lenient where goim's clients differ: unknown fields are ignored, {@code mid} may be a number
 * or a numeric string, and a missing field takes its default (mid 0, empty strings, no accepts).
 * Anything else is refused with {@link AuthException.Reason#MALFORMED} and a message naming the
 * field at fault: a body over {@value #MAX_BODY_BYTES} bytes, not JSON, not an object, duplicate
 * fields, {@code mid} not an int64, {@code accepts} not an array of int32, a string field that is
 * not a string, or a non-empty {@code room_id} not of the form {@code type://id}.
 */
public final class AuthBodyParser {
  /** AUTH bodies are small; goim's frame limit is 4 KiB too. */
  public static final int MAX_BODY_BYTES = 4096;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Pattern INT64 = Pattern.compile("-?[0-9]{1,19}");

  private AuthBodyParser() {}

  /**
   * Parses an AUTH body.
   *
   * @param body the frame's body, UTF-8 JSON
   * @param clientIp the connection's remote address as the Comet saw it
   * @throws AuthException with reason {@code MALFORMED} naming the problem
   */
  public static AuthBody parse(byte[] body, String clientIp) {
    if (body.length > MAX_BODY_BYTES) {
      throw malformed("body: " + body.length + " bytes (expected: at most " + MAX_BODY_BYTES + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      throw malformed("body: not JSON (expected: a JSON object)");
    } catch (IOException e) {
      throw malformed("body: unreadable (expected: a JSON object)");
    }
    if (root == null || root.isMissingNode()) {
      throw malformed("body: empty (expected: a JSON object)");
    }
    if (!root.isObject()) {
      throw malformed("body: not a JSON object (expected: {\"mid\":..., \"room_id\":...})");
    }
    JsonNode midNode = root.get("mid");
    long mid = 0;
    if (isPresent(midNode)) {
      mid =
          int64(midNode)
              .orElseThrow(
                  () -> malformed("mid: not an integer (expected: an int64, number or string)"));
    }
    String roomId = string(root, "room_id");
    if (!roomId.isEmpty() && !isRoomId(roomId)) {
      throw malformed("room_id: not a room id (expected: type://id, e.g. live://1000)");
    }
    return new AuthBody(
        mid,
        string(root, "key"),
        roomId,
        string(root, "platform"),
        accepts(root.get("accepts")),
        string(root, "token"),
        clientIp);
  }

  /** The int64 a JSON number or decimal string holds; empty for anything else. */
  static OptionalLong int64(JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return OptionalLong.of(node.longValue());
    }
    if (node.isTextual() && INT64.matcher(node.textValue()).matches()) {
      try {
        return OptionalLong.of(Long.parseLong(node.textValue()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty(); // 19 digits past Long.MAX_VALUE
      }
    }
    return OptionalLong.empty();
  }

  static boolean isRoomId(String roomId) {
    int separator = roomId.indexOf("://");
    return separator > 0 && separator + 3 < roomId.length();
  }

  private static List<Integer> accepts(JsonNode node) {
    if (!isPresent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw malformed("accepts: not an array (expected: an array of integer ops)");
    }
    List<Integer> accepts = new ArrayList<>(node.size());
    for (JsonNode op : node) {
      if (!op.isIntegralNumber() || !op.canConvertToInt()) {
        throw malformed("accepts: not all integers (expected: an array of integer ops)");
      }
      accepts.add(op.intValue());
    }
    return accepts;
  }

  private static String string(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (!isPresent(node)) {
      return "";
    }
    if (!node.isTextual()) {
      throw malformed(field + ": not a string (expected: a string)");
    }
    return node.textValue();
  }

  private static boolean isPresent(JsonNode node) {
    return node != null && !node.isNull();
  }

  private static AuthException malformed(String message) {
    return new AuthException(AuthException.Reason.MALFORMED, message);
  }
}
