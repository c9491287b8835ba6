package io.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validation for config records' compact constructors. Each check throws {@link
 * IllegalArgumentException} with a message of the form {@code port: 0 (expected: 1-65535)}; the
 * loader prefixes the record's place in the tree, giving {@code tcp.port: 0 (expected: 1-65535)}.
 */
public final class Check {
  private Check() {}

  public static int port(String name, int value) {
    return inRange(name, value, 1, 65535);
  }

  public static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(name, value, min + "-" + max);
    }
    return value;
  }

  public static long inRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw invalid(name, value, min + "-" + max);
    }
    return value;
  }

  public static double inRange(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw invalid(name, value, min + " to " + max);
    }
    return value;
  }

  public static int positive(String name, int value) {
    if (value <= 0) {
      throw invalid(name, value, "> 0");
    }
    return value;
  }

  public static long positive(String name, long value) {
    if (value <= 0) {
      throw invalid(name, value, "> 0");
    }
    return value;
  }

  public static Duration positive(String name, Duration value) {
    notNull(name, value);
    if (value.isNegative() || value.isZero()) {
      throw invalid(name, value, "> 0");
    }
    return value;
  }

  public static String notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + ": empty (expected: a value)");
    }
    return value;
  }

  /** {@code value}, if it is an {@code http://} or {@code https://} URL naming a host. */
  public static String httpUrl(String name, String value) {
    notNull(name, value);
    boolean http;
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      http = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      http = false;
    }
    state(http, name, value, "an http:// or https:// URL");
    return value;
  }

  public static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + ": missing (expected: a value)");
    }
    return value;
  }

  /** Fails unless {@code condition}; {@code expectation} says what holds when it does. */
  /**
   * A copy of {@code properties} (empty for null) that sets none of {@code reserved}: pass-through
   * client properties must not override the settings a service fixes itself.
   */
  public static Map<String, String> notOverriding(
      String name, Map<String, String> properties, Set<String> reserved) {
    Map<String, String> copy = properties == null ? Map.of() : Map.copyOf(properties);
    for (String key : copy.keySet()) {
      state(
          !reserved.contains(key),
          name,
          key,
          "none of " + String.join(", ", new TreeSet<>(reserved)));
    }
    return copy;
  }

  public static void state(boolean condition, String name, Object value, String expectation) {
    if (!condition) {
      throw invalid(name, value, expectation);
    }
  }

  private static IllegalArgumentException invalid(String name, Object value, String expected) {
    Object shown = value instanceof Duration duration ? Durations.format(duration) : value;
    return new IllegalArgumentException(name + ": " + shown + " (expected: " + expected + ")");
  }
}
