package io.herald.logic.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.logic.session.SessionStore.Renewal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} promises, run against each implementation: lookups, renewals and
 * removals fenced by the connection they name, purges by epoch.
 */
abstract class SessionStoreContract {
  static final Session WEB = new Session(1, "k-web", "comet-a", 100, 1, "web");
  static final Session PHONE = new Session(1, "k-phone", "comet-b", 200, 1, "android");

  /** The store under test, empty. */
  abstract SessionStore store();

  @Test
  void aSessionIsFoundByKeyAndByMid() {
    store().put(WEB).join();

    assertThat(store().sessionsOfKeys(List.of("k-web", "k-none")).join())
        .containsExactly(Map.entry("k-web", WEB));
    assertThat(store().sessionsOfMids(List.of(1L, 2L)).join())
        .containsExactly(Map.entry(1L, List.of(WEB)));
  }

  @Test
  void twoDevicesOfOneMidOnTwoServersAreBothListed() {
    store().put(WEB).join();
    store().put(PHONE).join();

    assertThat(store().sessionsOfMids(List.of(1L, 1L, 7L)).join())
        .containsExactly(Map.entry(1L, List.of(PHONE, WEB)));
  }

  @Test
  void renewSaysWhetherTheSessionWasThere() {
    store().put(WEB).join();

    assertThat(store().renew(WEB).join()).isEqualTo(Renewal.RENEWED);
    assertThat(store().remove(WEB).join()).isTrue();
    assertThat(store().renew(WEB).join()).isEqualTo(Renewal.RECREATED);
    assertThat(store().sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(WEB));
  }

  @Test
  void removeDeletesTheSessionOfItsConnectionOnce() {
    store().put(WEB).join();
    store().put(PHONE).join();

    assertThat(store().remove(WEB).join()).isTrue();

    assertThat(store().sessionsOfKeys(List.of("k-web")).join()).isEmpty();
    assertThat(store().sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(PHONE);
    assertThat(store().remove(WEB).join()).isFalse();
  }

  /**
   * The bug found by operators: a device opens its new connection before closing the old one, to
   * the same Comet; the old one's Disconnect reaches Logic after the new one's Connect.
   */
  @Test
  void aLateRemovalOfTheOldConnectionKeepsTheNewConnectionOfTheSameKeyOnTheSameComet() {
    Session old = new Session(1, "k-web", "comet-a", 100, 1, "web");
    Session fresh = new Session(1, "k-web", "comet-a", 100, 2, "web");
    store().put(old).join();
    store().put(fresh).join();

    assertThat(store().remove(old).join()).isFalse();

    assertThat(store().sessionsOfKeys(List.of("k-web")).join()).containsEntry("k-web", fresh);
    assertThat(store().sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(fresh));
    assertThat(store().remove(fresh).join()).isTrue();
    assertThat(store().sessionsOfMids(List.of(1L)).join()).isEmpty();
  }

  @Test
  void aLateRenewalOfTheOldConnectionLeavesTheNewOneAlone() {
    Session old = new Session(1, "k-web", "comet-a", 100, 1, "web");
    Session fresh = new Session(1, "k-web", "comet-b", 200, 9, "web");
    store().put(old).join();
    store().put(fresh).join();

    assertThat(store().renew(old).join()).isEqualTo(Renewal.SUPERSEDED);

    assertThat(store().sessionsOfKeys(List.of("k-web")).join()).containsEntry("k-web", fresh);
    assertThat(store().sessionsOfMids(List.of(1L)).join()).containsEntry(1L, List.of(fresh));
  }

  @Test
  void removeKeepsASessionThatMovedToAnotherServer() {
    store().put(WEB).join();
    Session moved = new Session(1, "k-web", "comet-b", 200, 1, "web");
    store().put(moved).join();

    assertThat(store().remove(WEB).join()).isFalse();

    assertThat(store().sessionsOfKeys(List.of("k-web")).join()).containsEntry("k-web", moved);
    assertThat(store().renew(WEB).join()).isEqualTo(Renewal.SUPERSEDED);
  }

  @Test
  void aKeyTakenOverByAnotherUserIsListedUnderTheNewMidOnly() {
    store().put(WEB).join();
    Session other = new Session(2, "k-web", "comet-a", 100, 2, "web");
    store().put(other).join();

    assertThat(store().sessionsOfMids(List.of(1L, 2L)).join())
        .containsExactly(Map.entry(2L, List.of(other)));
    assertThat(store().remove(WEB).join()).isFalse();
  }

  @Test
  void purgeStaleRemovesOnlyTheOlderEpochOfThatServer() {
    for (int i = 1; i <= 5; i++) {
      store().put(new Session(i, "k" + i, "comet-a", 100, i, "web")).join();
    }
    Session reconnected = new Session(1, "k1", "comet-a", 300, 1, "web");
    Session current = new Session(6, "k6", "comet-a", 300, 2, "web");
    Session elsewhere = new Session(7, "k7", "comet-b", 100, 1, "web");
    List.of(reconnected, current, elsewhere).forEach(session -> store().put(session).join());

    assertThat(store().purgeStale("comet-a", 300).join()).isEqualTo(4);

    assertThat(store().sessionsOfKeys(List.of("k1", "k2", "k3", "k4", "k5", "k6", "k7")).join())
        .containsOnlyKeys("k1", "k6", "k7");
    assertThat(store().sessionsOfMids(List.of(1L, 2L, 3L, 6L, 7L)).join())
        .containsOnlyKeys(1L, 6L, 7L);
    assertThat(store().purgeStale("comet-a", 300).join()).isZero();
  }

  @Test
  void purgingADepartedEpochRemovesEveryOneOfItsSessions() {
    Session a = new Session(1, "k1", "comet-a", 100, 1, "web");
    Session b = new Session(2, "k2", "comet-a", 100, 2, "web");
    store().put(a).join();
    store().put(b).join();
    store().put(PHONE).join();

    assertThat(store().purgeStale("comet-a", 101).join()).isEqualTo(2);

    assertThat(store().sessionsOfMids(List.of(1L, 2L)).join())
        .containsExactly(Map.entry(1L, List.of(PHONE)));
  }
}
