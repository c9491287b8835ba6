package io.herald.logic.api;

import com.linecorp.armeria.common.QueryParams;
import io.herald.logic.push.InvalidPushException;
import java.util.ArrayList;
import java.util.List;

/**
 * goim's query parameters: lists are comma-separated ({@code keys=a,b}) or repeated ({@code
 * keys=a&keys=b}), or both; numbers are decimal. A missing or malformed parameter is an {@link
 * InvalidPushException} naming it.
 */
final class GoimParams {
  private GoimParams() {}

  static int requiredInt(QueryParams params, String name) {
    String text = params.get(name);
    if (text == null || text.isBlank()) {
      throw InvalidPushException.of(name, "missing", "an integer");
    }
    return parseInt(name, text);
  }

  static int optionalInt(QueryParams params, String name, int absent) {
    String text = params.get(name);
    return text == null || text.isBlank() ? absent : parseInt(name, text);
  }

  private static int parseInt(String name, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw InvalidPushException.of(name, "'" + text + "'", "an integer");
    }
  }

  /** {@code true|false|1|0}; absent is false; anything else (empty included) is refused. */
  static boolean optionalBoolean(QueryParams params, String name) {
    String text = params.get(name);
    if (text == null) {
      return false;
    }
    return switch (text.strip()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw InvalidPushException.of(name, "'" + text + "'", "true, false, 1 or 0");
    };
  }

  static long optionalLong(QueryParams params, String name, long absent) {
    String text = params.get(name);
    if (text == null || text.isBlank()) {
      return absent;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw InvalidPushException.of(name, "'" + text + "'", "a 64-bit integer");
    }
  }

  static long requiredLong(QueryParams params, String name) {
    String text = params.get(name);
    if (text == null || text.isBlank()) {
      throw InvalidPushException.of(name, "missing", "a 64-bit integer");
    }
    return optionalLong(params, name, 0);
  }

  /** Every value of {@code name}, split at commas, stripped, empty ones left out. */
  static List<String> list(QueryParams params, String name) {
    List<String> values = new ArrayList<>();
    for (String param : params.getAll(name)) {
      for (String value : param.split(",", -1)) {
        String stripped = value.strip();
        if (!stripped.isEmpty()) {
          values.add(stripped);
        }
      }
    }
    return values;
  }

  static List<Long> longs(QueryParams params, String name) {
    List<Long> values = new ArrayList<>();
    for (String text : list(params, name)) {
      try {
        values.add(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw InvalidPushException.of(name, "'" + text + "'", "64-bit integers");
      }
    }
    return values;
  }

  static String text(QueryParams params, String name) {
    return params.get(name, "").strip();
  }
}
