package io.herald.logic.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import org.junit.jupiter.api.Test;

/** The record key that keeps one target's records in order. */
class PushQueueTest {
  @Test
  void unicastRecordsAreKeyedByServerRoomsByRoomBroadcastsByMessageId() {
    assertThat(PushQueue.key(msg(PushType.PUSH_TYPE_KEYS).setServerId("comet-1").build()))
        .isEqualTo("comet-1");
    assertThat(PushQueue.key(msg(PushType.PUSH_TYPE_MIDS).setServerId("comet-2").build()))
        .isEqualTo("comet-2");
    assertThat(PushQueue.key(msg(PushType.PUSH_TYPE_ROOM).setRoom("live://1000").build()))
        .isEqualTo("live://1000");
    assertThat(PushQueue.key(msg(PushType.PUSH_TYPE_BROADCAST).setMessageId(987654321).build()))
        .isEqualTo("987654321");
    assertThatThrownBy(() -> PushQueue.key(msg(PushType.PUSH_TYPE_UNSPECIFIED).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static PushMsg.Builder msg(PushType type) {
    return PushMsg.newBuilder().setType(type).setOp(1000);
  }
}
