package io.herald.idgen.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.idgen.IdsUnavailableException;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The double buffer's logic against an in-memory segment source. */
class SegmentBufferTest {
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ExecutorService loader = Executors.newSingleThreadExecutor();
  private final MemorySource source = new MemorySource(100);

  @AfterEach
  void stop() {
    loader.shutdownNow();
  }

  private SegmentBuffer buffer(int step, int minStep, int maxStep, double prefetchAt) {
    return new SegmentBuffer(
        "order",
        source,
        new SegmentTagConfig(1, step, minStep, maxStep),
        new SegmentConfig(prefetchAt, Duration.ofMinutes(1), Duration.ofSeconds(5)),
        loader,
        clock,
        meters);
  }

  private double waits() {
    return meters.counter("herald.idgen.segment.waits", "tag", "order").count();
  }

  @Test
  void theNextSegmentIsLoadedInTheBackgroundOnceThePrefetchMarkIsPassed() {
    SegmentBuffer buffer = buffer(100, 100, 100, 0.5);
    buffer.load();
    assertThat(buffer.currentRange()).isEqualTo(new Range(1, 101));
    double waitsAtStart = waits();

    for (long expected = 1; expected <= 50; expected++) {
      assertThat(buffer.takeOne(false)).isEqualTo(expected);
    }
    assertThat(buffer.nextLoaded()).isFalse();
    assertThat(source.allocations()).isEqualTo(1);

    assertThat(buffer.takeOne(false)).isEqualTo(51); // the mark: loads the next one
    await().atMost(Duration.ofSeconds(5)).until(buffer::nextLoaded);
    assertThat(buffer.remaining()).isEqualTo(49 + 100);

    for (long expected = 52; expected <= 101; expected++) {
      assertThat(buffer.takeOne(false)).isEqualTo(expected); // 101: first of the next segment
    }
    assertThat(waits()).isEqualTo(waitsAtStart); // never waited
    assertThat(buffer.currentRange()).isEqualTo(new Range(101, 201));
  }

  @Test
  void rangesSpanASegmentSwitchAndMergeWhenContiguous() {
    SegmentBuffer buffer = buffer(100, 100, 100, 0.5);
    buffer.load();
    List<Range> out = new ArrayList<>();
    assertThat(buffer.take(250, out, true)).isZero();
    assertThat(out).containsExactly(new Range(1, 251)); // three contiguous segments
    source.gapBeforeNext = 1_000;
    out.clear();
    assertThat(buffer.take(100, out, true)).isZero();
    assertThat(out.stream().mapToLong(Range::size).sum()).isEqualTo(100);
    assertThat(out.get(0).start()).isEqualTo(251);
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i).start()).isGreaterThan(out.get(i - 1).end());
    }
  }

  @Test
  void aBurstThatOutrunsBothBuffersWaitsForALoadInsteadOfFailing() throws Exception {
    SegmentBuffer buffer = buffer(10, 10, 10, 0.0);
    buffer.load();
    source.block = new CountDownLatch(1);
    List<Range> out = new ArrayList<>();
    assertThat(buffer.take(10, out, false)).isZero(); // the prefetch is now stuck in the source
    assertThat(buffer.take(5, out, false)).isEqualTo(5); // would wait: returns what is missing

    CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> buffer.takeOne(true));
    await().atMost(Duration.ofSeconds(5)).until(() -> waits() >= 2);
    assertThat(waiting).isNotDone();
    source.block.countDown();
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(11);
  }

  @Test
  void aFailedLoadFailsOnlyTheRequestsThatFindBothBuffersSpent() {
    SegmentBuffer buffer = buffer(10, 10, 10, 0.9);
    buffer.load();
    source.failing = true;
    for (long expected = 1; expected <= 10; expected++) {
      assertThat(buffer.takeOne(true)).isEqualTo(expected); // the prefetch at 9 fails quietly
    }
    assertThatThrownBy(() -> buffer.takeOne(true))
        .isInstanceOf(IdsUnavailableException.class)
        .hasMessageContaining("tag order: ids are spent and no segment could be loaded")
        .hasMessageContaining("database down");
    assertThat(
            meters.timer("herald.idgen.segment.fetch", "tag", "order", "result", "error").count())
        .isGreaterThanOrEqualTo(1);

    source.failing = false; // the database is back: the next request loads again
    assertThat(buffer.takeOne(true)).isGreaterThan(10);
  }

  @Test
  void theStepDoublesWhenSegmentsGoFastAndHalvesWhenTheyLastLong() {
    SegmentBuffer buffer = buffer(100, 50, 400, 0.0);
    buffer.load(); // the stored step (100)
    List<Range> out = new ArrayList<>();
    buffer.take(100, out, true); // fast: the prefetch asks for 200
    await().atMost(Duration.ofSeconds(5)).until(buffer::nextLoaded);
    assertThat(source.steps).containsExactly(0, 200);

    buffer.take(200, out, true);
    await().atMost(Duration.ofSeconds(5)).until(buffer::nextLoaded);
    assertThat(source.steps).containsExactly(0, 200, 400);

    buffer.take(400, out, true); // still fast, but 400 is the most
    await().atMost(Duration.ofSeconds(5)).until(buffer::nextLoaded);
    assertThat(source.steps).containsExactly(0, 200, 400, 400);

    clock.advance(Duration.ofMinutes(3)); // over twice the 1-minute target
    buffer.take(400, out, true);
    await().atMost(Duration.ofSeconds(5)).until(buffer::nextLoaded);
    assertThat(source.steps).containsExactly(0, 200, 400, 400, 200);
  }

  @Test
  void manyThreadsGetDistinctIdsIncreasingPerThread() throws Exception {
    SegmentBuffer buffer = buffer(37, 37, 37, 0.3);
    buffer.load();
    int threads = 6;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean ranges = t % 2 == 0;
      results.add(
          pool.submit(
              () -> {
                long[] mine = new long[perThread];
                int n = 0;
                List<Range> out = new ArrayList<>();
                while (n < perThread) {
                  if (ranges) {
                    out.clear();
                    buffer.take(Math.min(13, perThread - n), out, true);
                    for (Range r : out) {
                      for (long id = r.start(); id < r.end(); id++) {
                        mine[n++] = id;
                      }
                    }
                  } else {
                    mine[n++] = buffer.takeOne(true);
                  }
                }
                return mine;
              }));
    }
    long[] all = new long[threads * perThread];
    int at = 0;
    for (Future<long[]> result : results) {
      long[] mine = result.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < mine.length; i++) {
        assertThat(mine[i]).isGreaterThan(mine[i - 1]);
      }
      System.arraycopy(mine, 0, all, at, mine.length);
      at += mine.length;
    }
    pool.shutdown();
    java.util.Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      assertThat(all[i]).isNotEqualTo(all[i - 1]);
    }
  }

  /** Segments from a counter, like the database row; can block or fail on demand. */
  private static final class MemorySource implements SegmentSource {
    private long maxId = 1;
    private int storedStep;
    final List<Integer> steps = new ArrayList<>();
    volatile CountDownLatch block;
    volatile boolean failing;
    volatile long gapBeforeNext;

    MemorySource(int step) {
      this.storedStep = step;
    }

    @Override
    public Allocation allocate(String tag, int step, int minStep, int maxStep) {
      CountDownLatch latch = block;
      if (latch != null) {
        try {
          latch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failing) {
        throw new SegmentStoreException("database down", null);
      }
      synchronized (this) {
        steps.add(step);
        int used = step > 0 ? step : Math.max(minStep, Math.min(maxStep, storedStep));
        storedStep = used;
        maxId += gapBeforeNext;
        long start = maxId;
        maxId += used;
        return new Allocation(new Range(start, maxId), used);
      }
    }

    synchronized int allocations() {
      return steps.size();
    }
  }
}
