package io.herald.idgen.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.idgen.layout.BitLayout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many threads on one generator with the real clock: unique ids, increasing per thread. */
class TimeIdConcurrencyTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 300_000;

  @Test
  void millionsOfIdsFromManyThreadsAreUniqueAndIncreasingPerThread() throws Exception {
    TimeIdGenerator ids =
        new TimeIdGenerator(
            BitLayout.SNOWFLAKE,
            Instant.parse("2025-01-01T00:00:00Z").toEpochMilli(),
            77,
            0,
            Clock.systemUTC(),
            () -> Long.MAX_VALUE,
            Duration.ofMillis(5),
            TimeWaiter.SPIN,
            new SimpleMeterRegistry());
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      boolean batches = t % 2 == 0;
      results.add(
          pool.submit(
              () -> {
                go.await();
                long[] mine = new long[PER_THREAD];
                int n = 0;
                while (n < PER_THREAD) {
                  if (batches) {
                    long[] batch = ids.next(Math.min(100, PER_THREAD - n), true);
                    System.arraycopy(batch, 0, mine, n, batch.length);
                    n += batch.length;
                  } else {
                    mine[n++] = ids.next(true);
                  }
                }
                return mine;
              }));
    }
    go.countDown();
    long[] all = new long[THREADS * PER_THREAD];
    int at = 0;
    for (Future<long[]> result : results) {
      long[] mine = result.get();
      for (int i = 1; i < mine.length; i++) {
        assertThat(mine[i]).as("thread's id %d", i).isGreaterThan(mine[i - 1]);
      }
      System.arraycopy(mine, 0, all, at, mine.length);
      at += mine.length;
    }
    pool.shutdown();

    Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1]) {
        throw new AssertionError("duplicate id " + all[i]);
      }
    }
    assertThat(all[0]).isPositive();
    assertThat(BitLayout.SNOWFLAKE.workerOf(all[all.length - 1])).isEqualTo(77);
  }
}
