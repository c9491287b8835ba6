package io.herald.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The adaptive heartbeat (the seed's design, goim's interval bounds): the client starts at {@code
 * initial}; after a heartbeat period that got its reply it tries {@code current + step} (at most
 * {@code max}); after a failure — a heartbeat unanswered within {@code replyTimeout}, which also
 * drops the connection — it backs off to {@code current - step} (at least {@code min}) and keeps
 * that interval from then on. The names follow the Balancer's {@code heartbeat} block.
 *
 * @param initial the first interval, within [min, max]
 * @param min lower bound of the interval (default 60 s)
 * @param max upper bound of the interval (default 300 s)
 * @param step how far one success or failure moves the interval (default 30 s)
 * @param replyTimeout how long a heartbeat may wait for its reply before it counts as a failure
 */
public record HeartbeatPolicy(
    Duration initial, Duration min, Duration max, Duration step, Duration replyTimeout) {

  /** [60 s, 300 s] in 30 s steps from 60 s; a reply within 10 s. */
  public static final HeartbeatPolicy DEFAULT =
      new HeartbeatPolicy(
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Duration.ofSeconds(300),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10));

  public HeartbeatPolicy {
    Objects.requireNonNull(initial, "initial");
    positive("min", min);
    positive("step", step);
    positive("replyTimeout", replyTimeout);
    if (max == null || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= min " + min + ")");
    }
    if (initial.compareTo(min) < 0 || initial.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "initial: " + initial + " (expected: within [" + min + ", " + max + "])");
    }
  }

  /** This policy with other bounds and step, starting at {@code min}. */
  public static HeartbeatPolicy of(Duration min, Duration max, Duration step, Duration reply) {
    return new HeartbeatPolicy(min, min, max, step, reply);
  }

  static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
