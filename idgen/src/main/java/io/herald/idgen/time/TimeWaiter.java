package io.herald.idgen.time;

import java.time.Clock;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a clock to reach a time: for the next time unit once a unit's sequence is used up, and
 * to wait out a small clock step back. Injected so tests move a manual clock instead of sleeping.
 */
@FunctionalInterface
public interface TimeWaiter {
  /** Returns once {@code clock.millis() >= targetMillis}. */
  void awaitMillis(Clock clock, long targetMillis);

  /** Spins (then parks briefly) on the real clock; waits are at most a time unit or a few ms. */
  TimeWaiter SPIN =
      (clock, target) -> {
        int spins = 0;
        while (clock.millis() < target) {
          if (++spins < 1_000) {
            Thread.onSpinWait();
          } else {
            LockSupport.parkNanos(50_000);
          }
        }
      };
}
