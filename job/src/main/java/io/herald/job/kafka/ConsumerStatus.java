package io.herald.job.kafka;

import java.time.Clock;

/**
 * Where the consumer is ({@link ConsumerState}) and whether its loop still comes round: what {@code
 * /health} and {@code /live} report. Written by the consumer thread, read by any.
 */
final class ConsumerStatus {
  private final Clock clock;
  private final long maxPollIntervalMillis;
  private volatile ConsumerState state = ConsumerState.NEW;
  private volatile long loopMillis;

  /**
   * @param maxPollIntervalMillis the consumer's {@code max.poll.interval.ms}: a loop that has not
   *     come round for that long has lost its partitions, and only a restart helps
   */
  ConsumerStatus(Clock clock, long maxPollIntervalMillis) {
    this.clock = clock;
    this.maxPollIntervalMillis = maxPollIntervalMillis;
  }

  ConsumerState state() {
    return state;
  }

  /** The consumer moved to {@code next}. */
  void moved(ConsumerState next) {
    if (next == ConsumerState.JOINING && state == ConsumerState.NEW) {
      loopMillis = clock.millis();
    }
    state = next;
  }

  /** The consumer loop came round. */
  void looped() {
    loopMillis = clock.millis();
  }

  /**
   * False when restarting the process is what it needs: the consumer failed, or its loop has not
   * come round for {@code max.poll.interval.ms}. A fenced consumer is live: restarting it would
   * fence the Job that took its instance id, and the two would take turns.
   */
  boolean live() {
    ConsumerState now = state;
    if (now == ConsumerState.FAILED) {
      return false;
    }
    boolean reading = now == ConsumerState.JOINING || now == ConsumerState.CONSUMING;
    return !reading || clock.millis() - loopMillis <= maxPollIntervalMillis;
  }
}
