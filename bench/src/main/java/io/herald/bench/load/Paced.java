package io.herald.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/** Runs an action {@code count} times at {@code perSecond}, from the calling thread. */
final class Paced {
  private Paced() {}

  static void run(int count, int perSecond, IntConsumer action) {
    long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += interval;
      action.accept(i);
    }
  }
}
