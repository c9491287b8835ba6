package io.herald.it.failure;

import java.util.Map;

/**
 * A device the suite pushes to, as the suite counts it: which pushes its application was handed and
 * how often, and which connection it holds, so a loss can be weighed against the guarantee (a
 * best-effort push is promised only to the connection it was sent while, docs/delivery.md).
 */
public interface Receiver {
  String name();

  long mid();

  String key();

  /** A protocol 2 SDK device (acks, SYNC); else a goim (version 1) connection. */
  boolean sdk();

  /**
   * The connection it holds now: a number that changes with every new connection, or -1 when it
   * holds none.
   */
  int connection();

  /** The Comet it is connected to ({@code 127.0.0.1:<tcp port>}), or {@code ""}. */
  String node();

  /** Push number → how many times the application was handed it, so far. */
  Map<Long, Integer> counts();

  /** Push number → when ({@link System#nanoTime()}) it was first handed over; SDK devices only. */
  Map<Long, Long> firstSeen();

  /** When its last inbox reset was reported ({@link System#nanoTime()}), or {@code 0}. */
  long lastResetNanos();
}
