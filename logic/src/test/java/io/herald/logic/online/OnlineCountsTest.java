package io.herald.logic.online;

import static io.herald.logic.online.InMemoryOnlineStoreTest.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.logic.online.OnlineView.RoomCount;
import io.herald.logic.online.OnlineView.Totals;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OnlineCountsTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration REFRESH = Duration.ofSeconds(5);

  private final ManualClock clock = new ManualClock();
  private final InMemoryOnlineStore store = new InMemoryOnlineStore(clock, TTL);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final OnlineCounts counts = new OnlineCounts(store, REFRESH, meters);

  @Test
  void sumsEachRoomAcrossServers() {
    store.report(report("comet-a", 1, Map.of("live://1000", 3, "chat://7", 1))).join();
    store.report(report("comet-b", 1, Map.of("live://1000", 2))).join();

    counts.refresh().join();

    assertThat(counts.roomCount("live://1000")).isEqualTo(5);
    assertThat(counts.roomCount("live://9")).isZero();
    assertThat(counts.roomCounts())
        .containsOnly(Map.entry("live://1000", 5L), entry("chat://7", 1));
  }

  @Test
  void topIsByCountThenIdWithinTheTypeWithoutThePrefix() {
    store.report(report("comet-a", 1, Map.of("live://b", 4, "live://a", 4, "live://c", 9))).join();
    store.report(report("comet-b", 1, Map.of("live://d", 1, "chat://big", 100))).join();
    counts.refresh().join();

    assertThat(counts.top("live", 10))
        .containsExactly(
            new RoomCount("c", 9),
            new RoomCount("a", 4),
            new RoomCount("b", 4),
            new RoomCount("d", 1));
    assertThat(counts.top("live", 2)).containsExactly(new RoomCount("c", 9), new RoomCount("a", 4));
    assertThat(counts.top("chat", 10)).containsExactly(new RoomCount("big", 100));
    assertThat(counts.top("liv", 10)).isEmpty();
    assertThat(counts.top("live", 0)).isEmpty();
  }

  @Test
  void roomsAnswersEveryIdAskedInOrder() {
    store.report(report("comet-a", 1, Map.of("live://1000", 3, "chat://1000", 8))).join();
    counts.refresh().join();

    assertThat(counts.rooms("live", List.of("2000", "1000")))
        .containsExactly(entry("2000", 0), entry("1000", 3));
  }

  @Test
  void totalsSumConnectionsAndClientIps() {
    store.report(new ServerOnline("comet-a", 1, Map.of(), 10, 4, 0)).join();
    store.report(new ServerOnline("comet-b", 1, Map.of(), 5, 2, 0)).join();

    counts.refresh().join();

    assertThat(counts.totals()).isEqualTo(new Totals(6, 15));
    assertThat(counts.servers())
        .containsOnly(
            Map.entry("comet-a", new Totals(4, 10)), Map.entry("comet-b", new Totals(2, 5)));
  }

  @Test
  void aReportAppliedAtOnceCountsBeforeTheNextRefresh() {
    store.report(report("comet-a", 1, Map.of("live://1", 2))).join();
    counts.refresh().join();

    assertThat(counts.apply(new ServerOnline("comet-b", 1, Map.of("live://1", 5), 5, 5, 0)))
        .isTrue();
    assertThat(counts.apply(new ServerOnline("comet-a", 1, Map.of("live://2", 1), 1, 1, 0)))
        .isTrue();

    assertThat(counts.roomCounts()).containsOnly(entry("live://1", 5), entry("live://2", 1));
    assertThat(counts.totals()).isEqualTo(new Totals(6, 6));
  }

  @Test
  void aReportFromAnOlderEpochIsNotApplied() {
    counts.apply(new ServerOnline("comet-a", 2, Map.of("live://1", 2), 2, 2, 0));

    assertThat(counts.apply(new ServerOnline("comet-a", 1, Map.of("live://1", 9), 9, 9, 0)))
        .isFalse();
    assertThat(counts.roomCount("live://1")).isEqualTo(2);
  }

  @Test
  void aRefreshDropsServersWhoseReportExpired() {
    store.report(report("comet-a", 1, Map.of("live://1", 2))).join();
    store.report(report("comet-b", 1, Map.of("live://1", 3))).join();
    counts.refresh().join();
    clock.advance(TTL.minusSeconds(1));
    store.report(report("comet-b", 1, Map.of("live://1", 3))).join();
    clock.advance(Duration.ofSeconds(1));

    counts.refresh().join();

    assertThat(counts.roomCounts()).containsOnly(entry("live://1", 3));
  }

  @Test
  void aRefreshKeepsAReportAppliedWhileItWasReading() {
    CompletableFuture<List<ServerOnline>> reading = new CompletableFuture<>();
    OnlineStore slow =
        new OnlineStore() {
          @Override
          public CompletableFuture<Void> report(ServerOnline online) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletableFuture<List<ServerOnline>> all() {
            return reading;
          }
        };
    OnlineCounts slowCounts = new OnlineCounts(slow, REFRESH, meters);
    CompletableFuture<Void> refreshed = slowCounts.refresh();

    slowCounts.apply(new ServerOnline("comet-a", 1, Map.of("live://1", 7), 7, 7, 0));
    reading.complete(List.of(new ServerOnline("comet-a", 1, Map.of("live://1", 1), 1, 1, 0)));
    refreshed.join();

    assertThat(slowCounts.roomCount("live://1")).isEqualTo(7);
  }

  @Test
  void aFailedRefreshKeepsTheLastCounts() {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    OnlineStore flaky =
        new OnlineStore() {
          @Override
          public CompletableFuture<Void> report(ServerOnline online) {
            return store.report(online);
          }

          @Override
          public CompletableFuture<List<ServerOnline>> all() {
            RuntimeException error = failure.get();
            return error != null ? CompletableFuture.failedFuture(error) : store.all();
          }
        };
    OnlineCounts flakyCounts = new OnlineCounts(flaky, REFRESH, meters);
    store.report(report("comet-a", 1, Map.of("live://1", 2))).join();
    flakyCounts.refresh().join();

    failure.set(new IllegalStateException("redis down"));
    assertThat(flakyCounts.refresh()).isCompletedExceptionally();

    assertThat(flakyCounts.roomCount("live://1")).isEqualTo(2);
    assertThat(meters.get("herald.logic.online.refreshes").tag("result", "error").counter().count())
        .isOne();
  }

  @Test
  void startRefreshesOnTheExecutorUntilStopped() {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      OnlineCounts scheduled = new OnlineCounts(store, Duration.ofMillis(20), executor, meters);
      scheduled.start();
      scheduled.start();
      store.report(report("comet-a", 1, Map.of("live://1", 4))).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> scheduled.roomCount("live://1") == 4);

      scheduled.stop();
      scheduled.stop();
      assertThat(executor.isShutdown()).isFalse();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void stopBeforeStartIsHarmless() {
    counts.stop();
    counts.start();
    assertThat(counts.totals()).isEqualTo(new Totals(0, 0));
  }

  private static Map.Entry<String, Long> entry(String key, long value) {
    return Map.entry(key, value);
  }
}
