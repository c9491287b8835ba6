package io.herald.logic.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.logic.session.SessionStore.Renewal;
import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract, and expiry on the injected clock. */
class InMemorySessionStoreTest extends SessionStoreContract {
  private static final Duration TTL = Duration.ofMinutes(15);
  private static final Duration LESS_THAN_TTL = TTL.minusSeconds(1);

  private final ManualClock clock = new ManualClock();
  private final InMemorySessionStore store = new InMemorySessionStore(clock, TTL);

  @Override
  SessionStore store() {
    return store;
  }

  @Test
  void renewKeepsALiveSessionPastItsFirstTtl() {
    store.put(WEB).join();
    clock.advance(LESS_THAN_TTL);

    assertThat(store.renew(WEB).join()).isEqualTo(Renewal.RENEWED);
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
    assertThat(store.remove(WEB).join()).isFalse();
  }

  @Test
  void renewAfterExpiryRecreatesTheSession() {
    store.put(WEB).join();
    clock.advance(TTL);

    assertThat(store.renew(WEB).join()).isEqualTo(Renewal.RECREATED);
    assertThat(store.sessionsOfMids(List.of(1L)).join().get(1L)).containsExactly(WEB);
  }
}
