package io.herald.job.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.proto.registry.v1.CometNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastSpeedsTest {
  private static CometNode node(String id, long connections) {
    return CometNode.newBuilder().setServerId(id).setConnections(connections).build();
  }

  @Test
  void theSpeedIsSplitByConnectionsSoEveryCometFinishesTogether() {
    assertThat(BroadcastSpeeds.split(1000, List.of(node("a", 300), node("b", 100))))
        .containsExactly(java.util.Map.entry("a", 750), java.util.Map.entry("b", 250));
  }

  @Test
  void withoutReportedConnectionsItIsSplitEqually() {
    assertThat(BroadcastSpeeds.split(10, List.of(node("a", 0), node("b", 0), node("c", 0))))
        .containsValues(4, 4, 4);
  }

  @Test
  void everyCometGetsAtLeastOneAndUnpacedStaysUnpaced() {
    assertThat(BroadcastSpeeds.split(2, List.of(node("a", 1000), node("b", 1))))
        .containsEntry("a", 2)
        .containsEntry("b", 1);
    assertThat(BroadcastSpeeds.split(0, List.of(node("a", 5), node("b", 5))))
        .containsEntry("a", 0)
        .containsEntry("b", 0);
  }
}
