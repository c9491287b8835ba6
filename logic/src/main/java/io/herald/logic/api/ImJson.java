package io.herald.logic.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reading the IM API's JSON bodies: 64-bit ids as numbers or decimal strings (JavaScript cannot
 * hold ids past 2^53 as numbers, so Herald answers them as strings and takes either); every bad
 * field an {@link IllegalArgumentException} naming it.
 */
final class ImJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImJson() {}

  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException("body: empty (expected: a JSON object)");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("body: not a JSON object (expected: {...})");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "body: not JSON (expected: a JSON object): " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("body: unreadable (expected: a JSON object)", e);
    }
  }

  /** A 64-bit integer field; {@code absent} when missing or null. */
  static long longField(JsonNode body, String name, long absent) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return absent;
    }
    return toLong(name, value);
  }

  static long requiredLong(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(name + ": missing (expected: a 64-bit integer)");
    }
    return toLong(name, value);
  }

  static int intField(JsonNode body, String name, int absent) {
    long value = longField(body, name, absent);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a 32-bit integer)");
    }
    return (int) value;
  }

  static String text(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a string)");
    }
    return value.asText();
  }

  /** An array of 64-bit integers; empty when missing. */
  static List<Long> longs(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: an array of ids)");
    }
    List<Long> ids = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      ids.add(toLong(name + "[" + i + "]", value.get(i)));
    }
    return ids;
  }

  /**
   * The content of a send: {@code text} (UTF-8) or {@code content_base64}, exactly one of them (an
   * empty text is valid).
   */
  static byte[] content(JsonNode body) {
    boolean hasText = body.hasNonNull("text");
    boolean hasBase64 = body.hasNonNull("content_base64");
    if (hasText == hasBase64) {
      throw new IllegalArgumentException(
          "text: "
              + (hasText ? "given with content_base64" : "missing")
              + " (expected: one of text or content_base64)");
    }
    if (hasText) {
      return text(body, "text").getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(text(body, "content_base64"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "content_base64: not base64 (expected: standard base64 with padding)", e);
    }
  }

  private static long toLong(String name, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.asLong();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.asText().strip());
      } catch (NumberFormatException e) {
        // below
      }
    }
    throw new IllegalArgumentException(
        name + ": " + value + " (expected: a 64-bit integer, as a number or a decimal string)");
  }
}
