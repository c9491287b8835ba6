package io.herald.logic.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest {
  private static final Duration TTL = Duration.ofMinutes(15);
  private static final Duration LESS_THAN_TTL = TTL.minusSeconds(1);

  private final ManualClock clock = new ManualClock();
  private final InMemorySessionStore store = new InMemorySessionStore(clock, TTL);

  private static final Session WEB = new Session(1, "k-web", "comet-a", 100, "web");
  private static final Session PHONE = new Session(1, "k-phone", "comet-b", 200, "android");

  @Test
  void aSessionIsFoundByKeyAndByMid() {
    store.put(WEB).join();

    assertThat(store.sessionsOfKeys(List.of("k-web", "k-none")).join())
        .containsExactly(Map.entry("k-web", WEB));
    assertThat(store.sessionsOfMids(List.of(1L, 2L)).join())
        .containsExactly(Map.entry(1L, List.of(WEB)));
  }

  @Test
  void twoDevicesOfOneMidOnTwoServersAreBothListed() {
    store.put(WEB).join();
    store.put(PHONE).join();

    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(PHONE, WEB);
  }

  @Test
  void renewKeepsALiveSessionAndSaysSo() {
    store.put(WEB).join();
    clock.advance(LESS_THAN_TTL);

    assertThat(store.renew(WEB).join()).isTrue();
    clock.advance(LESS_THAN_TTL);

    assertThat(store.sessionsOfKeys(List.of("k-web")).join()).containsValue(WEB);
  }

  @Test
  void aSessionWhoseTtlRanOutIsGone() {
    store.put(WEB).join();
    store.put(PHONE).join();
    clock.advance(LESS_THAN_TTL);
    store.renew(PHONE).join();

    clock.advance(Duration.ofSeconds(1));

    assertThat(store.sessionsOfKeys(List.of("k-web")).join()).isEmpty();
    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(PHONE);
    assertThat(store.remove(1, "k-web", "comet-a").join()).isFalse();
  }

  @Test
  void renewAfterExpiryRecreatesTheSession() {
    store.put(WEB).join();
    clock.advance(TTL);

    assertThat(store.renew(WEB).join()).isFalse();
    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(WEB);
  }

  @Test
  void renewAfterRemoveRecreatesTheSession() {
    store.put(WEB).join();
    store.remove(1, "k-web", "comet-a").join();

    assertThat(store.renew(WEB).join()).isFalse();
    assertThat(store.sessionsOfKeys(List.of("k-web")).join()).containsValue(WEB);
  }

  @Test
  void removeDeletesTheSessionOfItsServer() {
    store.put(WEB).join();
    store.put(PHONE).join();

    assertThat(store.remove(1, "k-web", "comet-a").join()).isTrue();

    assertThat(store.sessionsOfKeys(List.of("k-web")).join()).isEmpty();
    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(PHONE);
    assertThat(store.remove(1, "k-web", "comet-a").join()).isFalse();
  }

  @Test
  void removeKeepsASessionThatMovedToAnotherServer() {
    store.put(WEB).join();
    Session moved = new Session(1, "k-web", "comet-b", 200, "web");
    store.put(moved).join();

    assertThat(store.remove(1, "k-web", "comet-a").join()).isFalse();

    assertThat(store.sessionsOfKeys(List.of("k-web")).join()).containsValue(moved);
    assertThat(store.renew(WEB).join()).isFalse();
  }

  @Test
  void aKeyTakenOverByAnotherUserIsListedUnderTheNewMidOnly() {
    store.put(WEB).join();
    Session other = new Session(2, "k-web", "comet-a", 100, "web");
    store.put(other).join();

    assertThat(store.sessionsOfMids(List.of(1L, 2L)).join())
        .containsExactly(Map.entry(2L, List.of(other)));
    assertThat(store.remove(1, "k-web", "comet-a").join()).isFalse();
  }

  @Test
  void purgeStaleRemovesOnlyTheOlderEpochOfThatServer() {
    Session stale1 = new Session(1, "k1", "comet-a", 100, "web");
    Session stale2 = new Session(2, "k2", "comet-a", 100, "web");
    Session current = new Session(3, "k3", "comet-a", 300, "web");
    Session otherServer = new Session(4, "k4", "comet-b", 100, "web");
    List.of(stale1, stale2, current, otherServer).forEach(s -> store.put(s).join());

    assertThat(store.purgeStale("comet-a", 300).join()).isEqualTo(2);

    assertThat(store.sessionsOfKeys(List.of("k1", "k2", "k3", "k4")).join())
        .containsOnlyKeys("k3", "k4");
    assertThat(store.sessionsOfMids(List.of(1L, 2L, 3L, 4L)).join()).containsOnlyKeys(3L, 4L);
    assertThat(store.purgeStale("comet-a", 300).join()).isZero();
  }

  @Test
  void aDeviceThatReconnectedToTheRestartedServerSurvivesThePurge() {
    store.put(WEB).join();
    Session again = new Session(1, "k-web", "comet-a", 500, "web");
    store.put(again).join();

    assertThat(store.purgeStale("comet-a", 500).join()).isZero();
    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(again);
  }
}
