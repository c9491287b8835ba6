package io.herald.idgen.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.DatabaseConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Segment allocation on a real database; subclasses say which (PostgreSQL, H2). Each allocator has
 * its own connection pool, as separate servers would.
 */
abstract class SegmentContract {
  private final List<Database> databases = new ArrayList<>();
  private final List<SegmentIds> allocators = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** The database under test, the same one on every call. */
  abstract DatabaseConfig database();

  @AfterEach
  void stopAll() {
    allocators.forEach(SegmentIds::stop);
    databases.forEach(Database::stop);
  }

  private Database open() {
    Database database = new Database(database());
    databases.add(database);
    database.start();
    return database;
  }

  private SegmentIds allocator(Database database, String tag, SegmentTagConfig tagConfig) {
    return allocator(database, tag, tagConfig, SegmentConfig.defaults(), meters);
  }

  private SegmentIds allocator(
      Database database,
      String tag,
      SegmentTagConfig tagConfig,
      SegmentConfig config,
      SimpleMeterRegistry registry) {
    SegmentIds ids =
        new SegmentIds(
            new JdbcSegmentStore(database),
            Map.of(tag, tagConfig),
            config,
            Clock.systemUTC(),
            registry);
    allocators.add(ids);
    ids.start();
    return ids;
  }

  @Test
  void twoAllocatorsOnOneTagNeverHandOutOverlappingIds() throws Exception {
    SegmentTagConfig tiny = new SegmentTagConfig(1, 5, 5, 5); // thousands of allocations
    SegmentIds first = allocator(open(), "order", tiny);
    SegmentIds second = allocator(open(), "order", tiny);
    int threadsEach = 2;
    int perThread = 6_000;
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsEach);
    List<Future<long[]>> results = new ArrayList<>();
    for (SegmentIds ids : List.of(first, second)) {
      SegmentBuffer buffer = ids.buffer("order");
      for (int t = 0; t < threadsEach; t++) {
        boolean ranges = t == 0;
        results.add(pool.submit(() -> take(buffer, perThread, ranges)));
      }
    }
    long[] all = new long[2 * threadsEach * perThread];
    int at = 0;
    for (Future<long[]> result : results) {
      long[] mine = result.get(120, TimeUnit.SECONDS);
      for (int i = 1; i < mine.length; i++) {
        assertThat(mine[i]).isGreaterThan(mine[i - 1]);
      }
      System.arraycopy(mine, 0, all, at, mine.length);
      at += mine.length;
    }
    pool.shutdown();
    Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1]) {
        throw new AssertionError("id " + all[i] + " handed out twice");
      }
    }
    assertThat(all[0]).isPositive();
    assertThat(meters.timer("herald.idgen.segment.fetch", "tag", "order", "result", "ok").count())
        .as("allocations")
        .isGreaterThan(2 * threadsEach * perThread / 5 - 10);
  }

  private static long[] take(SegmentBuffer buffer, int count, boolean ranges) {
    long[] mine = new long[count];
    int n = 0;
    List<Range> out = new ArrayList<>();
    while (n < count) {
      if (ranges) {
        out.clear();
        buffer.take(Math.min(7, count - n), out, true);
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
  }

  @Test
  void aRestartContinuesAboveThePersistedMaximum() {
    SegmentTagConfig config = new SegmentTagConfig(1_000, 100, 10, 10_000);
    Database database = open();
    SegmentIds before = allocator(database, "invoice", config);
    long last = 0;
    for (int i = 0; i < 250; i++) {
      last = before.buffer("invoice").takeOne(true);
    }
    assertThat(last).isEqualTo(1_249); // dense from firstId on one server
    Range held = before.buffer("invoice").currentRange();
    before.stop();
    database.stop();

    SegmentIds after = allocator(open(), "invoice", config);
    long next = after.buffer("invoice").takeOne(true);
    // Above everything the first server took, including its unused (prefetched) segments.
    assertThat(next).isGreaterThanOrEqualTo(held.end()).isGreaterThan(last);
  }

  @Test
  void theAdaptedStepIsPersistedAndUsedAfterARestart() {
    SegmentTagConfig config = new SegmentTagConfig(1, 10, 10, 1_000);
    Database database = open();
    SegmentIds before = allocator(database, "ticket", config);
    SegmentBuffer buffer = before.buffer("ticket");
    List<Range> out = new ArrayList<>();
    buffer.take(10, out, true); // used up at once: the next segment doubles
    await().atMost(Duration.ofSeconds(10)).until(buffer::nextLoaded);
    buffer.take(1, out, true);
    assertThat(buffer.currentRange().size()).isEqualTo(20);
    before.stop();

    SegmentIds after = allocator(open(), "ticket", config);
    assertThat(after.buffer("ticket").currentRange().size()).isEqualTo(20);
  }

  @Test
  void theNextSegmentIsPrefetchedBeforeTheCurrentOneRunsOut() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SegmentIds ids =
        allocator(
            open(),
            "coupon",
            new SegmentTagConfig(1, 100, 100, 100),
            new SegmentConfig(0.5, Duration.ofMinutes(15), Duration.ofSeconds(5)),
            registry);
    SegmentBuffer buffer = ids.buffer("coupon");
    double waitsAfterStart =
        registry.counter("herald.idgen.segment.waits", "tag", "coupon").count();
    for (int i = 0; i < 51; i++) {
      buffer.takeOne(false);
    }
    await().atMost(Duration.ofSeconds(10)).until(buffer::nextLoaded);
    assertThat(
            registry.timer("herald.idgen.segment.fetch", "tag", "coupon", "result", "ok").count())
        .isEqualTo(2);
    Range first = buffer.currentRange();
    for (int i = 0; i < 49; i++) {
      assertThat(buffer.takeOne(false)).isPositive();
    }
    long switched = buffer.takeOne(false); // the current segment is spent: no wait
    assertThat(switched).isGreaterThanOrEqualTo(first.end());
    assertThat(registry.counter("herald.idgen.segment.waits", "tag", "coupon").count())
        .isEqualTo(waitsAfterStart);
  }

  @Test
  void startingAgainLeavesTheSchemaAndRowsAsTheyWere() {
    SegmentTagConfig config = new SegmentTagConfig(500, 10, 10, 10);
    SegmentIds first = allocator(open(), "again", config);
    long id = first.buffer("again").takeOne(true);
    assertThat(id).isEqualTo(500);
    SegmentIds second = allocator(open(), "again", config); // migrates (no-op), ensures the row
    assertThat(second.buffer("again").takeOne(true)).isEqualTo(510); // past the first one's
  }
}
