package io.herald.logic.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract in memory, and expiry of an idle inbox on the injected clock. */
class InMemoryInboxTest extends InboxContract {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InboxMetrics metrics = new InboxMetrics(meters);
  private final InMemoryInbox store = new InMemoryInbox(CONFIG, clock, metrics);
  private final Inbox inbox = new MeteredInbox(store, metrics);

  @Override
  Inbox inbox() {
    return inbox;
  }

  @Override
  Inbox sameDataElsewhere() {
    return store;
  }

  @Override
  void lose(long mid) {
    store.forget(mid);
  }

  @Test
  void anInboxWithoutAppendsForMaxAgeIsGoneAndComesBackInANewEpoch() {
    InboxPosition old = append("a");
    clock.advance(Duration.ofDays(7));

    InboxPosition next = append("b");

    assertThat(next.epoch()).isGreaterThan(old.epoch());
    assertThat(next.seq()).isOne();
  }

  @Test
  void appendsReadsAndTrimsAreCounted() {
    long epoch = 0;
    for (int i = 1; i <= 7; i++) {
      epoch = append("m" + i).epoch();
    }
    inbox.read(MID, epoch, 0, 10).join();
    inbox.read(MID, epoch, 7, 10).join();

    assertThat(meters.get("herald.logic.inbox.appends").counter().count()).isEqualTo(7);
    assertThat(meters.get("herald.logic.inbox.trimmed").counter().count()).isEqualTo(2);
    assertThat(meters.get("herald.logic.inbox.reads").tag("result", "reset").counter().count())
        .isOne();
    assertThat(meters.get("herald.logic.inbox.reads").tag("result", "ok").counter().count())
        .isOne();
  }

  @Test
  void anEpochIsNeverReusedWithinTheSameMillisecond() {
    InboxPosition old = append("a");
    lose(MID);

    InboxPosition next = inbox.append(MID, new InboxEntry(1, 1000, ByteString.EMPTY, now())).join();

    assertThat(next.epoch()).isGreaterThan(old.epoch());
  }
}
