package io.herald.registry;

import static io.herald.registry.Nodes.draining;
import static io.herald.registry.Nodes.ids;
import static io.herald.registry.Nodes.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryRegistryTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final CometNode FIXED = up("comet-static");

  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T08:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  // The background sweep never runs during a test: tests call sweep() themselves.
  private final InMemoryRegistry registry =
      new InMemoryRegistry(clock, TTL, Duration.ofHours(1), List.of(FIXED), meters);
  private final List<List<String>> notified = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    registry.start();
  }

  @AfterEach
  void stop() {
    registry.stop();
  }

  @Test
  void registeredNodeIsVisibleWithItsRenewalTime() {
    registry.register(up("comet-a")).join();

    assertThat(ids(registry.nodes())).containsExactly("comet-a", "comet-static");
    assertThat(registry.node("comet-a"))
        .hasValue(up("comet-a").toBuilder().setLastRenewUnixMs(clock.millis()).build());
    assertThat(registry.ready()).isCompleted();
  }

  @Test
  void renewalKeepsTheNodeAndItsLatestLoad() {
    registry.register(up("comet-a")).join();
    clock.advance(Duration.ofSeconds(20));
    registry.register(up("comet-a").toBuilder().setConnections(17).build()).join();
    clock.advance(Duration.ofSeconds(20));

    assertThat(registry.node("comet-a"))
        .hasValueSatisfying(n -> assertThat(n.getConnections()).isEqualTo(17));
  }

  @Test
  void recordPastItsTtlIsGoneForReadersBeforeAnySweep() {
    registry.register(up("comet-a")).join();
    clock.advance(TTL);
    assertThat(registry.node("comet-a")).isPresent();

    clock.advance(Duration.ofMillis(1));

    assertThat(ids(registry.nodes())).containsExactly("comet-static");
    assertThat(registry.node("comet-a")).isEmpty();
  }

  @Test
  void staticNodesNeverExpire() {
    clock.advance(Duration.ofDays(365));
    registry.sweep();

    assertThat(registry.nodes()).containsExactly(FIXED);
  }

  @Test
  void registeredRecordStandsInForTheStaticOneWhileItLives() {
    CometNode loaded = FIXED.toBuilder().setConnections(99).build();
    registry.register(loaded).join();
    assertThat(registry.node("comet-static"))
        .hasValueSatisfying(n -> assertThat(n.getConnections()).isEqualTo(99));

    clock.advance(TTL.plusMillis(1));

    assertThat(registry.node("comet-static")).hasValue(FIXED);
    registry.register(loaded).join();
    registry.deregister("comet-static").join();
    assertThat(registry.node("comet-static")).hasValue(FIXED);
  }

  @Test
  void drainingNodeStaysListed() {
    registry.register(draining("comet-a")).join();

    assertThat(registry.node("comet-a"))
        .map(CometNode::getState)
        .hasValue(NodeState.NODE_STATE_DRAINING);
    assertThat(meters.get("herald.registry.nodes").tag("state", "draining").gauge().value())
        .isEqualTo(1);
    assertThat(meters.get("herald.registry.nodes").tag("state", "up").gauge().value()).isEqualTo(1);
  }

  @Test
  void deregisterRemovesAtOnce() {
    registry.register(up("comet-a")).join();
    registry.deregister("comet-a").join();
    registry.deregister("comet-never-registered").join();

    assertThat(ids(registry.nodes())).containsExactly("comet-static");
  }

  @Test
  void listenersHearJoinsLeavesAndStateChangesButNotLoad() {
    registry.addListener(nodes -> notified.add(ids(nodes)));
    assertThat(notified).containsExactly(List.of("comet-static"));

    registry.register(up("comet-a")).join();
    registry.register(up("comet-a").toBuilder().setConnections(500).build()).join();
    clock.advance(Duration.ofSeconds(5));
    registry.register(up("comet-a")).join();
    registry.register(up("comet-b")).join();
    registry.register(draining("comet-a")).join();
    registry.deregister("comet-a").join();
    clock.advance(TTL.plusMillis(1));
    registry.sweep();

    assertThat(notified)
        .containsExactly(
            List.of("comet-static"),
            List.of("comet-a", "comet-static"),
            List.of("comet-a", "comet-b", "comet-static"),
            List.of("comet-a", "comet-b", "comet-static"),
            List.of("comet-b", "comet-static"),
            List.of("comet-static"));
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    registry.addListener(
        nodes -> {
          throw new IllegalStateException("boom");
        });
    registry.addListener(nodes -> notified.add(ids(nodes)));

    registry.register(up("comet-a")).join();

    assertThat(notified).hasSize(2);
  }

  @Test
  void removedListenerHearsNothingMore() {
    RegistryListener listener = nodes -> notified.add(ids(nodes));
    registry.addListener(listener);
    registry.removeListener(listener);

    registry.register(up("comet-a")).join();

    assertThat(notified).hasSize(1);
  }

  @Test
  void refusesBlankIdsAndWritesOutsideItsLife() {
    assertThatThrownBy(() -> registry.register(up("")).join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("server_id: empty (expected: a value)");

    InMemoryRegistry fresh =
        new InMemoryRegistry(clock, TTL, Duration.ofHours(1), List.of(), new SimpleMeterRegistry());
    assertThat(fresh.nodes()).isEmpty();
    assertThatThrownBy(() -> fresh.register(up("comet-a")).join())
        .hasRootCauseMessage("registry not started");
    fresh.start();
    fresh.stop();
    fresh.stop();
    assertThatThrownBy(() -> fresh.deregister("comet-a").join())
        .hasRootCauseMessage("registry stopped");
  }
}
