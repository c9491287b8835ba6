package io.herald.client;

import java.time.Duration;

/**
 * The current heartbeat interval and how it moves: {@link #succeeded()} after a period whose
 * heartbeat was answered tries one step longer, {@link #failed()} after a missed reply goes one
 * step shorter and stays there ({@link #settled()}). The state outlives connections: what was
 * learnt about the network path (a NAT's idle timeout, say) is kept across reconnects.
 *
 * <p>Not thread-safe; a client confines it to its event loop.
 */
final class AdaptiveHeartbeat {
  private final HeartbeatPolicy policy;
  private volatile Duration current;
  private boolean settled;

  AdaptiveHeartbeat(HeartbeatPolicy policy) {
    this.policy = policy;
    this.current = policy.initial();
  }

  /** The interval to wait before the next heartbeat. */
  Duration current() {
    return current;
  }

  /** Whether a failure has fixed the interval. */
  boolean settled() {
    return settled;
  }

  HeartbeatPolicy policy() {
    return policy;
  }

  /** A period passed with its heartbeat answered: probe one step longer unless settled. */
  void succeeded() {
    if (!settled) {
      Duration next = current.plus(policy.step());
      current = next.compareTo(policy.max()) > 0 ? policy.max() : next;
    }
  }

  /** A heartbeat went unanswered: one step shorter, and keep it. */
  void failed() {
    Duration next = current.minus(policy.step());
    current = next.compareTo(policy.min()) < 0 ? policy.min() : next;
    settled = true;
  }
}
