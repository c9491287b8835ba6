package io.herald.config;

import java.time.Duration;

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

  public static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + ": missing (expected: a value)");
    }
    return value;
  }

  /** Fails unless {@code condition}; {@code expectation} says what holds when it does. */
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
