package io.herald.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition by polling it with a growing pause, until a deadline. */
final class Poller {

  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /**
   * A check. Returning false or throwing means "not yet"; throwing {@link StartupFailure} means
   * "never" (for example, the server process died) and ends the wait at once.
   */
  @FunctionalInterface
  interface Probe {
    boolean ready() throws Exception;
  }

  private Poller() {}

  /**
   * Polls {@code probe} until it returns true; fails after {@code timeout}, naming {@code what}.
   */
  static void await(String what, Duration timeout, Probe probe) throws StartupFailure {
    long start = System.nanoTime();
    long pause = FIRST_PAUSE_NANOS;
    Exception last = null;
    while (true) {
      try {
        if (probe.ready()) {
          return;
        }
      } catch (StartupFailure e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      long left = timeout.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        String because = last == null ? "" : " (last error: " + last + ")";
        throw new StartupFailure(
            "timed out after " + format(timeout) + " waiting until " + what + because, last);
      }
      LockSupport.parkNanos(Math.min(pause, left));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new StartupFailure("interrupted while waiting until " + what);
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  private static String format(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
