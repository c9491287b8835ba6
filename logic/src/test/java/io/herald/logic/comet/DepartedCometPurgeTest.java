package io.herald.logic.comet;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.logic.session.InMemorySessionStore;
import io.herald.logic.session.Session;
import io.herald.proto.registry.v1.CometNode;
import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepartedCometPurgeTest {
  private final InMemorySessionStore sessions =
      new InMemorySessionStore(new ManualClock(), Duration.ofMinutes(15));
  private final DepartedCometPurge purge = new DepartedCometPurge(sessions);

  private static CometNode node(String id, long epoch) {
    return CometNode.newBuilder().setServerId(id).setEpoch(epoch).build();
  }

  private void connect(long mid, String serverId, long epoch) {
    sessions.put(new Session(mid, "k" + mid, serverId, epoch, mid, "web")).join();
  }

  private List<Long> online(Long... mids) {
    return sessions.sessionsOfMids(List.of(mids)).join().keySet().stream().sorted().toList();
  }

  @Test
  void aCometThatLeavesTheRegistryHasItsSessionsPurged() {
    connect(1, "comet-a", 100);
    connect(2, "comet-b", 200);
    purge.onChange(List.of(node("comet-a", 100), node("comet-b", 200)));

    purge.onChange(List.of(node("comet-b", 200)));

    assertThat(online(1L, 2L)).containsExactly(2L);
  }

  @Test
  void aCometBackUnderANewEpochKeepsTheSessionsOfItsNewIncarnation() {
    connect(1, "comet-a", 100);
    purge.onChange(List.of(node("comet-a", 100)));
    connect(2, "comet-a", 300);

    purge.onChange(List.of(node("comet-a", 300)));

    assertThat(online(1L, 2L)).containsExactly(2L);
  }

  @Test
  void cometsNeverSeenPurgeNothing() {
    connect(1, "comet-a", 100);

    purge.onChange(List.of());

    assertThat(online(1L)).containsExactly(1L);
  }
}
