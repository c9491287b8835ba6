package io.herald.logic.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.logic.session.Session;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushRecordsTest {
  private static final PushMsg TEMPLATE =
      PushMsg.newBuilder()
          .setOp(1000)
          .setBody(ByteString.copyFromUtf8("hi"))
          .setMessageId(42)
          .setAcceptUnixMs(1_700_000_000_000L)
          .build();

  @Test
  void keysAreGroupedByTheServerHoldingThem() {
    PushMsg template = TEMPLATE.toBuilder().setType(PushType.PUSH_TYPE_KEYS).build();
    Map<String, Session> live =
        Map.of(
            "a", session(1, "a", "comet-1"),
            "b", session(2, "b", "comet-2"),
            "c", session(3, "c", "comet-1"));

    List<PushMsg> records = PushRecords.byServer(template, List.of("a", "b", "c", "gone"), live);

    assertThat(records).extracting(PushMsg::getServerId).containsExactly("comet-1", "comet-2");
    assertThat(records.get(0).getKeysList()).containsExactly("a", "c");
    assertThat(records.get(1).getKeysList()).containsExactly("b");
    assertThat(records)
        .allSatisfy(
            record -> {
              assertThat(record.getType()).isEqualTo(PushType.PUSH_TYPE_KEYS);
              assertThat(record.getMessageId()).isEqualTo(42);
              assertThat(record.getOp()).isEqualTo(1000);
              assertThat(record.getBody().toStringUtf8()).isEqualTo("hi");
              assertThat(record.getMidsList()).isEmpty();
            });
  }

  @Test
  void midsDevicesAreGroupedByServerWithTheMidsTheyBelongTo() {
    PushMsg template = TEMPLATE.toBuilder().setType(PushType.PUSH_TYPE_MIDS).build();
    Map<Long, List<Session>> live =
        Map.of(
            1L, List.of(session(1, "phone-1", "comet-1"), session(1, "web-1", "comet-2")),
            2L, List.of(session(2, "phone-2", "comet-1")));

    List<PushMsg> records = PushRecords.byServerOfMids(template, List.of(1L, 2L, 3L), live);

    assertThat(records).extracting(PushMsg::getServerId).containsExactly("comet-1", "comet-2");
    assertThat(records.get(0).getKeysList()).containsExactly("phone-1", "phone-2");
    assertThat(records.get(0).getMidsList()).containsExactly(1L, 2L);
    assertThat(records.get(1).getKeysList()).containsExactly("web-1");
    assertThat(records.get(1).getMidsList()).containsExactly(1L);
  }

  @Test
  void noLiveTargetMeansNoRecord() {
    assertThat(PushRecords.byServer(TEMPLATE, List.of("x"), Map.of())).isEmpty();
    assertThat(PushRecords.byServerOfMids(TEMPLATE, List.of(9L), Map.of(9L, List.of()))).isEmpty();
  }

  private static PushMsg.Builder msg(PushType type) {
    return TEMPLATE.toBuilder().setType(type);
  }

  private static Session session(long mid, String key, String server) {
    return new Session(mid, key, server, 1L, 1, "web");
  }
}
