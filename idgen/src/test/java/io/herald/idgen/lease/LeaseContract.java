package io.herald.idgen.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.layout.BitLayout;
import io.herald.idgen.time.TimeIdGenerator;
import io.herald.idgen.time.TimeIds;
import io.herald.idgen.time.TimeLayoutConfig;
import io.herald.idgen.time.TimeWaiter;
import io.herald.redis.RedisEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Worker leases on a real store, with the real clock; subclasses say which (Redis, PostgreSQL, H2).
 * Expiry is awaited, never slept through.
 */
abstract class LeaseContract {
  private static final Duration LONG = Duration.ofSeconds(30);

  /** Long enough that a renewal is still in force when the next call lands on a busy machine. */
  private static final Duration SHORT = Duration.ofMillis(1_500);

  /** The store under test; the same data on every call, one client per call. */
  abstract LeaseStore store();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private static LeaseConfig config(Duration ttl) {
    Duration renew = ttl.dividedBy(4);
    return new LeaseConfig(
        LeaseConfig.DATABASE, RedisEndpoint.local("t:"), ttl, renew, renew, Duration.ofSeconds(2));
  }

  @Test
  void concurrentHoldersNeverGetTheSameWorkerId() throws Exception {
    int holders = 12;
    ExecutorService pool = Executors.newFixedThreadPool(holders);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Lease>>> results = new ArrayList<>();
    for (int i = 0; i < holders; i++) {
      LeaseStore store = store();
      String holder = "holder-" + i;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store.acquire("snowflake", 8, holder, LONG, 0);
              }));
    }
    go.countDown();
    Set<Integer> workers = new HashSet<>();
    int refused = 0;
    for (Future<Optional<Lease>> result : results) {
      Optional<Lease> lease = result.get(30, TimeUnit.SECONDS);
      if (lease.isPresent()) {
        assertThat(workers.add(lease.get().worker())).as("worker %s twice", lease.get()).isTrue();
      } else {
        refused++;
      }
    }
    pool.shutdown();
    assertThat(workers).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(refused).isEqualTo(4);
    // Pools are separate id spaces.
    assertThat(store().acquire("sonyflake", 8, "other", LONG, 0)).map(Lease::worker).contains(0);
  }

  @Test
  void anExpiredLeaseIsReusedAndCarriesItsHighWaterMark() {
    LeaseStore first = store();
    LeaseStore second = store(); // connected before the lease, not while it runs
    Lease held = first.acquire("snowflake", 1, "first", SHORT, 1_000).orElseThrow();
    assertThat(held.worker()).isZero();
    assertThat(first.renew(held, SHORT, 5_000)).isTrue();

    assertThat(second.acquire("snowflake", 1, "second", LONG, 0)).isEmpty();
    Lease taken =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> second.acquire("snowflake", 1, "second", LONG, 0), Optional::isPresent)
            .orElseThrow();

    assertThat(taken.worker()).isZero();
    assertThat(taken.token()).isGreaterThan(held.token());
    assertThat(taken.previousHighWater()).isEqualTo(5_000);
    // The first holder's lease is gone: it can neither renew nor release the new one.
    assertThat(first.renew(held, LONG, 9_000)).isFalse();
    first.release(held, 1);
    assertThat(second.renew(taken, LONG, 6_000)).isTrue();
  }

  @Test
  void releasingFreesTheWorkerIdAndSetsTheHighWaterMarkExactly() {
    LeaseStore store = store();
    Lease held = store.acquire("snowflake", 1, "first", LONG, 90_000).orElseThrow();
    store.release(held, 42_000); // lower than the fence it announced: it stopped earlier
    Lease again = store().acquire("snowflake", 1, "second", LONG, 0).orElseThrow();
    assertThat(again.worker()).isZero();
    assertThat(again.previousHighWater()).isEqualTo(42_000);
  }

  @Test
  void aHolderThatLosesItsLeaseStopsIssuing() {
    LeaseStore mine = store();
    WorkerLease lease =
        new WorkerLease(mine, "snowflake", 1, "first", config(SHORT), Clock.systemUTC(), meters);
    Lease held = lease.acquire();
    TimeIdGenerator ids =
        new TimeIdGenerator(
            BitLayout.SNOWFLAKE,
            0,
            held.worker(),
            held.previousHighWater(),
            Clock.systemUTC(),
            lease,
            Duration.ofMillis(5),
            TimeWaiter.SPIN,
            meters);
    assertThat(ids.next(true)).isPositive();

    // No renewal (a long pause): the lease expires and another server takes the worker id.
    LeaseStore theirs = store();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> theirs.acquire("snowflake", 1, "second", LONG, 0).isPresent());

    // Its fence closed before the lease could be taken; the late renewal finds it gone.
    assertThatThrownBy(() -> ids.next(true)).isInstanceOf(IdsUnavailableException.class);
    assertThat(lease.renew()).isFalse();
    assertThatThrownBy(() -> ids.next(true)).isInstanceOf(IdsUnavailableException.class);
  }

  @Test
  void aRestartedLayoutIssuesAboveEveryIdOfTheWorkersEarlierHolder() {
    TimeLayoutConfig oneWorker =
        new TimeLayoutConfig(TimeLayoutConfig.DEFAULT_EPOCH, 1, Duration.ofMillis(5), 1_000);
    TimeIds before = timeIds(oneWorker);
    before.start();
    long last = 0;
    for (int i = 0; i < 10_000; i++) {
      last = before.generator().next(true);
    }
    assertThat(before.worker()).isZero();
    before.stop();

    TimeIds after = timeIds(oneWorker);
    after.start();
    assertThat(after.worker()).isZero();
    assertThat(after.generator().next(true)).isGreaterThan(last);
    after.stop();
  }

  @Test
  void aPoolLargerThanTheWorkerFieldIsRefused() {
    TimeLayoutConfig tooMany =
        new TimeLayoutConfig(TimeLayoutConfig.DEFAULT_EPOCH, 2048, Duration.ofMillis(5), 1_000);
    assertThatThrownBy(() -> timeIds(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "snowflake.workers: 2048 (expected: at most 1024, what the 10-bit worker field"
                + " holds)");
  }

  private TimeIds timeIds(TimeLayoutConfig layout) {
    return new TimeIds(
        BitLayout.SNOWFLAKE,
        layout,
        store(),
        config(LONG),
        "holder",
        Clock.systemUTC(),
        TimeWaiter.SPIN,
        meters);
  }
}
