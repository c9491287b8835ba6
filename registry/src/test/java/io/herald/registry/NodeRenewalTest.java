package io.herald.registry;

import static io.herald.registry.Nodes.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeRenewalTest {
  private static final Duration FAST = Duration.ofMillis(20);
  private static final Duration NEVER = Duration.ofHours(1);

  private final RecordingWriter writer = new RecordingWriter();
  private final AtomicReference<CometNode> current = new AtomicReference<>(up("comet-a"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutdown() {
    scheduler.shutdownNow();
  }

  @Test
  void registersAtStartRenewsOnScheduleAndDeregistersAtStop() throws InterruptedException {
    AtomicInteger connections = new AtomicInteger();
    NodeRenewal renewal =
        new NodeRenewal(
            writer,
            () -> up("comet-a").toBuilder().setConnections(connections.incrementAndGet()).build(),
            FAST,
            scheduler,
            meters);

    renewal.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> writer.events.size() >= 3);
    renewal.stop().join();
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

    List<String> events = List.copyOf(writer.events);
    assertThat(events.subList(0, 3))
        .containsExactly("register comet-a 1", "register comet-a 2", "register comet-a 3");
    assertThat(events).last().isEqualTo("deregister comet-a");
    assertThat(events).filteredOn(e -> e.startsWith("deregister")).hasSize(1);
    assertThat(meters.get("herald.registry.renewals").tag("result", "ok").counter().count())
        .isEqualTo(events.size() - 1);
  }

  @Test
  void failedRenewalIsCountedAndRetriedAtTheNextTick() {
    writer.failures.set(2);
    NodeRenewal renewal = new NodeRenewal(writer, current::get, FAST, scheduler, meters);

    renewal.start();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                meters.get("herald.registry.renewals").tag("result", "ok").counter().count() >= 1);
    assertThat(meters.get("herald.registry.renewals").tag("result", "error").counter().count())
        .isEqualTo(2);
    renewal.stop().join();
  }

  @Test
  void renewNowPublishesAStateChangeWithoutWaitingForTheTick() {
    NodeRenewal renewal = new NodeRenewal(writer, current::get, NEVER, scheduler, meters);
    renewal.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> writer.events.size() == 1);

    current.set(Nodes.draining("comet-a"));
    renewal.renewNow().join();

    assertThat(writer.last.get().getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
    renewal.stop().join();
  }

  @Test
  void stopIsIdempotentAndHarmlessBeforeStart() {
    NodeRenewal never = new NodeRenewal(writer, current::get, NEVER, meters);
    assertThat(never.stop()).isCompleted();
    never.start();
    assertThat(writer.events).isEmpty();
    assertThatThrownBy(() -> never.renewNow().join()).hasRootCauseMessage("renewal not running");

    NodeRenewal renewal = new NodeRenewal(writer, current::get, NEVER, meters);
    renewal.start();
    CompletableFuture<Void> first = renewal.stop();
    assertThat(renewal.stop()).isSameAs(first);
    first.join();
    assertThat(writer.events).filteredOn(e -> e.startsWith("deregister")).hasSize(1);
  }

  @Test
  void keepsANodeAliveInARegistryAndWithdrawsIt() {
    ManualClock clock = new ManualClock(java.time.Instant.parse("2025-03-01T08:00:00Z"));
    InMemoryRegistry registry =
        new InMemoryRegistry(clock, Duration.ofSeconds(30), NEVER, List.of(), meters);
    registry.start();
    NodeRenewal renewal = new NodeRenewal(registry, current::get, FAST, scheduler, meters);

    renewal.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.node("comet-a").isPresent());
    renewal.stop().join();

    assertThat(registry.nodes()).isEmpty();
    registry.stop();
  }

  /** Records calls; fails the first {@link #failures} registrations. */
  private static final class RecordingWriter implements RegistryWriter {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicReference<CometNode> last = new AtomicReference<>();
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public CompletableFuture<Void> register(CometNode node) {
      if (failures.getAndDecrement() > 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
      }
      events.add("register " + node.getServerId() + " " + node.getConnections());
      last.set(node);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deregister(String serverId) {
      events.add("deregister " + serverId);
      return CompletableFuture.completedFuture(null);
    }
  }
}
