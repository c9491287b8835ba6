package io.herald.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes Netty report, before a test JVM exits, every buffer its tests leaked.
 *
 * <p>Netty's leak detector sees a leaked buffer only once the garbage collector has found it
 * unreachable, and says so only at a later allocation. Whether a leak in a test was reported
 * therefore depended on when the JVM happened to collect: a leak passed one run and failed the next
 * (CI greps the output for {@code LEAK:}). When the tests of a JVM are done, this collects until
 * nothing more is found and allocates so the detector reports what it found. Registered as a JUnit
 * Platform service, so it runs in every module that has the testkit on its test class path.
 */
public final class LeakReportFlush implements LauncherSessionListener {
  private static final int ROUNDS = 3;

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    try {
      for (int round = 0; round < ROUNDS; round++) {
        System.gc();
        Thread.sleep(50); // the collector enqueues the references of what it found
        // Each tracked allocation polls the detector's queue and logs what is there.
        release(PooledByteBufAllocator.DEFAULT.directBuffer(1));
        release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void release(ByteBuf buffer) {
    buffer.release();
  }
}
