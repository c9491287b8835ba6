package io.herald.it.failure;

import java.time.Duration;

/**
 * How big a failure run is: CI's compact one, or {@code bench/run failures}' full one ({@code
 * -Dherald.failures=full}).
 *
 * @param period a round of pushes (one of each class) every period
 * @param warmRounds rounds before a fault is caused
 * @param faultPushes pushes the fault must have answered (as the fault answers them) before it is
 *     healed
 * @param faultAtLeast and how long it lasts at least
 */
public record Scale(
    String name,
    int sdkDevices,
    int goimDevices,
    Duration period,
    int warmRounds,
    int faultPushes,
    Duration faultAtLeast) {
  public static final Scale COMPACT =
      new Scale("compact", 6, 2, Duration.ofMillis(150), 2, 3, Duration.ZERO);
  public static final Scale FULL =
      new Scale("full", 40, 10, Duration.ofMillis(50), 40, 10, Duration.ofSeconds(5));

  /** The scale {@code -Dherald.failures} names: {@code full}, else compact. */
  public static Scale fromSystemProperty() {
    return "full".equals(System.getProperty("herald.failures")) ? FULL : COMPACT;
  }
}
