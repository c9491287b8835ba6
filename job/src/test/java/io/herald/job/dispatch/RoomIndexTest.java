package io.herald.job.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.proto.registry.v1.CometNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomIndexTest {
  private static final CometNode A = CometNode.newBuilder().setServerId("a").build();
  private static final CometNode B = CometNode.newBuilder().setServerId("b").build();
  private static final CometNode C = CometNode.newBuilder().setServerId("c").build();

  private final RoomIndex index = new RoomIndex();

  private List<String> targets(String room, CometNode... registered) {
    return index.cometsFor(room, List.of(registered)).stream().map(CometNode::getServerId).toList();
  }

  @Test
  void aRoomGoesOnlyToTheCometsThatReportedMembers() {
    index.update("a", 1, Set.of("live://1", "live://2"));
    index.update("b", 1, Set.of("live://2"));

    assertThat(targets("live://1", A, B)).containsExactly("a");
    assertThat(targets("live://2", A, B)).containsExactly("a", "b");
    assertThat(targets("live://3", A, B)).isEmpty();
    assertThat(index.rooms()).isEqualTo(2);
  }

  @Test
  void aCometThatHasNotReportedGetsEveryRoom() {
    index.update("a", 1, Set.of("live://1"));

    assertThat(targets("live://9", A, C)).containsExactly("c");
    assertThat(index.knows("c")).isFalse();
  }

  @Test
  void aNewReportReplacesTheOldAndUnregisteredCometsAreForgotten() {
    index.update("a", 1, Set.of("live://1"));
    index.update("a", 2, Set.of());
    assertThat(targets("live://1", A)).isEmpty();

    index.update("b", 1, Set.of("live://1"));
    index.retain(List.of("a"));
    assertThat(index.knows("b")).isFalse();
    assertThat(targets("live://1", A)).isEmpty();
  }

  @Test
  void onlyRegisteredCometsAreTargets() {
    index.update("a", 1, Set.of("live://1"));
    index.update("b", 1, Set.of("live://1"));
    assertThat(targets("live://1", B)).containsExactly("b");
  }
}
