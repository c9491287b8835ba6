package io.herald.logic.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryOnlineStoreTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock();
  private final InMemoryOnlineStore store = new InMemoryOnlineStore(clock, TTL);

  @Test
  void twoServersReportAndBothAreListed() {
    ServerOnline a = report("comet-a", 1, Map.of("live://1000", 3));
    ServerOnline b = report("comet-b", 1, Map.of("live://1000", 2));
    store.report(b).join();
    store.report(a).join();

    assertThat(store.all().join()).containsExactly(a, b);
  }

  @Test
  void aServerThatStopsReportingDisappearsAfterItsTtl() {
    ServerOnline silent = report("comet-silent", 1, Map.of());
    store.report(silent).join();
    clock.advance(TTL.minusSeconds(10));
    ServerOnline alive = report("comet-alive", 1, Map.of());
    store.report(alive).join();

    clock.advance(Duration.ofSeconds(9));
    assertThat(store.all().join()).containsExactly(alive, silent);

    clock.advance(Duration.ofSeconds(1));
    assertThat(store.all().join()).containsExactly(alive);
  }

  @Test
  void aNewReportReplacesTheLastOne() {
    store.report(report("comet-a", 1, Map.of("live://1", 1))).join();
    ServerOnline next = report("comet-a", 1, Map.of("live://2", 5));

    store.report(next).join();

    assertThat(store.all().join()).containsExactly(next);
  }

  @Test
  void aReportFromAnOlderEpochIsIgnoredUntilTheNewerOneExpires() {
    ServerOnline restarted = report("comet-a", 2, Map.of("live://1", 1));
    store.report(restarted).join();

    store.report(report("comet-a", 1, Map.of("live://1", 9))).join();
    assertThat(store.all().join()).containsExactly(restarted);

    clock.advance(TTL);
    ServerOnline late = report("comet-a", 1, Map.of());
    store.report(late).join();
    assertThat(store.all().join()).containsExactly(late);
  }

  static ServerOnline report(String serverId, long epoch, Map<String, Integer> rooms) {
    int members = rooms.values().stream().mapToInt(Integer::intValue).sum();
    return new ServerOnline(serverId, epoch, rooms, members, members / 2 + 1, 1_000L * epoch);
  }

  static List<String> ids(List<ServerOnline> reports) {
    return reports.stream().map(ServerOnline::serverId).toList();
  }
}
