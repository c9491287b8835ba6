package io.herald.logic.inbox;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New inbox epochs: the current time in ms, made strictly greater than any epoch this process
 * issued, so an inbox recreated in the same millisecond still gets a new one. A candidate is only
 * marked issued once a backend used it, so unused candidates do not push epochs ahead of time.
 */
final class Epochs {
  private final Clock clock;
  private final AtomicLong issued = new AtomicLong();

  Epochs(Clock clock) {
    this.clock = clock;
  }

  /** The epoch to create an inbox with, if the call creates one. */
  long candidate() {
    return Math.max(clock.millis(), issued.get() + 1);
  }

  /** Records that {@code epoch} was given to an inbox. */
  void issued(long epoch) {
    issued.accumulateAndGet(epoch, Math::max);
  }
}
