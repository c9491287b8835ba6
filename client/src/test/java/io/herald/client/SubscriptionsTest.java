package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rooms and ops a client keeps across connections, and the requests that tell a server. */
class SubscriptionsTest {

  private static Subscriptions.Request request(int op, String body, int replyOp) {
    return new Subscriptions.Request(op, body, replyOp);
  }

  @Test
  void authNamesTheFirstRoomAndANewConnectionJoinsTheOthers() {
    Subscriptions subscriptions = new Subscriptions(List.of("live://1", "live://2"), List.of());
    assertThat(subscriptions.authRoom()).isEqualTo("live://1");
    assertThat(subscriptions.join("live://3"))
        .isEqualTo(request(Op.JOIN_ROOM, "live://3", Op.JOIN_ROOM_REPLY));

    assertThat(subscriptions.replay())
        .containsExactly(
            request(Op.JOIN_ROOM, "live://2", Op.JOIN_ROOM_REPLY),
            request(Op.JOIN_ROOM, "live://3", Op.JOIN_ROOM_REPLY));
    assertThat(subscriptions.rooms()).containsExactlyInAnyOrder("live://1", "live://2", "live://3");
  }

  @Test
  void aRoomLeftIsNotRejoinedAndWithoutRoomsAuthNamesNone() {
    Subscriptions subscriptions = new Subscriptions(List.of("live://1"), List.of());
    assertThat(subscriptions.leave("live://1"))
        .isEqualTo(request(Op.LEAVE_ROOM, "live://1", Op.LEAVE_ROOM_REPLY));
    assertThat(subscriptions.authRoom()).isEmpty();
    assertThat(subscriptions.rooms()).isEmpty();
    assertThat(subscriptions.replay()).isEmpty();
  }

  @Test
  void subscribingAddsToAListOfAcceptedOpsButKeepsAnEmptyOneMeaningAll() {
    Subscriptions listed = new Subscriptions(List.of(), List.of(1000));
    assertThat(listed.subscribe(List.of(1001, 1002)))
        .isEqualTo(request(Op.SUB, "1001,1002", Op.SUB_REPLY));
    assertThat(listed.accepts()).containsExactly(1000, 1001, 1002);

    Subscriptions all = new Subscriptions(List.of(), List.of());
    var unused = all.subscribe(List.of(1001));
    assertThat(all.accepts()).as("still all ops").isEmpty();
  }

  @Test
  void unsubscribedOpsAreUnsubscribedAgainOnANewConnectionUntilSubscribed() {
    Subscriptions subscriptions = new Subscriptions(List.of(), List.of(1000, 1001, 1002));
    assertThat(subscriptions.unsubscribe(List.of(1001, 1002)))
        .isEqualTo(request(Op.UNSUB, "1001,1002", Op.UNSUB_REPLY));
    assertThat(subscriptions.accepts()).containsExactly(1000);
    assertThat(subscriptions.replay())
        .containsExactly(request(Op.UNSUB, "1001,1002", Op.UNSUB_REPLY));

    var unused = subscriptions.subscribe(List.of(1002));
    assertThat(subscriptions.replay()).containsExactly(request(Op.UNSUB, "1001", Op.UNSUB_REPLY));
    assertThat(subscriptions.accepts()).containsExactly(1000, 1002);
  }

  @Test
  void aRequestsBodyIsItsTextInUtf8() {
    assertThat(request(Op.JOIN_ROOM, "live://é", Op.JOIN_ROOM_REPLY).bytes())
        .containsExactly('l', 'i', 'v', 'e', ':', '/', '/', 0xC3, 0xA9);
  }

  @Test
  void roomsAndOpListsFromTheApplicationAreChecked() {
    assertThat(Subscriptions.checkRoom("live://1")).isEqualTo("live://1");
    assertThatThrownBy(() -> Subscriptions.checkRoom(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("room: '' (expected: type://id, 1-256 bytes)");
    assertThatThrownBy(() -> Subscriptions.checkRoom("x".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Subscriptions.checkRoom(null))
        .isInstanceOf(NullPointerException.class);

    assertThat(Subscriptions.ops(1000, 1001)).containsExactly(1000, 1001);
    assertThatThrownBy(Subscriptions::ops)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ops: none (expected: at least one)");
  }
}
