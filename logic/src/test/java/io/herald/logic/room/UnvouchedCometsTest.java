package io.herald.logic.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryListener;
import io.herald.registry.RegistryView;
import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnvouchedCometsTest {
  private final ManualClock clock = new ManualClock();
  private final Map<String, Long> reports = new HashMap<>();
  private final UnvouchedComets unvouched =
      new UnvouchedComets(
          registered("comet-a", "comet-b"),
          () -> Map.copyOf(reports),
          Duration.ofSeconds(3),
          clock);

  @Test
  void aRegisteredCometWithoutAReportIsUnvouched() {
    reports.put("comet-a", clock.millis());

    assertThat(unvouched.get()).containsExactly("comet-b");
  }

  /**
   * Found by the failure suite's full run: a Comet whose report was late (the machine starved it)
   * had its index entries lapse while Logic still counted its report; the room push it was due got
   * no Comet.
   */
  @Test
  void aCometWhoseReportIsOlderThanTwoThirdsOfTheTtlIsUnvouched() {
    reports.put("comet-a", clock.millis());
    reports.put("comet-b", clock.millis());
    clock.advance(Duration.ofMillis(1999));
    assertThat(unvouched.get()).isEmpty();

    reports.put("comet-b", clock.millis());
    clock.advance(Duration.ofMillis(1));
    assertThat(unvouched.get()).containsExactly("comet-a");
  }

  @Test
  void aReportOfACometNoLongerRegisteredCountsForNothing() {
    reports.put("comet-gone", clock.millis());

    assertThat(unvouched.get()).containsExactlyInAnyOrder("comet-a", "comet-b");
  }

  private static RegistryView registered(String... ids) {
    List<CometNode> nodes =
        List.of(ids).stream().map(id -> CometNode.newBuilder().setServerId(id).build()).toList();
    return new RegistryView() {
      @Override
      public List<CometNode> nodes() {
        return nodes;
      }

      @Override
      public Optional<CometNode> node(String serverId) {
        return nodes.stream().filter(node -> node.getServerId().equals(serverId)).findFirst();
      }

      @Override
      public void addListener(RegistryListener listener) {}

      @Override
      public void removeListener(RegistryListener listener) {}
    };
  }
}
