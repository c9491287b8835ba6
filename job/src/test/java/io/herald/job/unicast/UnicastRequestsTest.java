package io.herald.job.unicast;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a unicast record's PushMsg requests carry of its delivery class. */
class UnicastRequestsTest {
  private static PushMsg.Builder record(PushType type) {
    return PushMsg.newBuilder()
        .setType(type)
        .setOp(1000)
        .setServerId("comet-1")
        .addKeys("k1")
        .addKeys("k2")
        .setMessageId(42)
        .setAcceptUnixMs(1_000)
        .setBody(ByteString.copyFromUtf8("hi"));
  }

  @Test
  void aStoredKeysRecordCarriesItsInboxPositionNotifyAndAckToEveryCall() {
    PushMsg msg =
        record(PushType.PUSH_TYPE_KEYS)
            .addMids(7)
            .setInboxEpoch(99)
            .setInboxSeq(5)
            .setNotify(true)
            .setRequireAck(true)
            .build();

    List<PushMsgRequest> requests = UnicastDelivery.requests(msg, 1);

    assertThat(requests).hasSize(2);
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.getInboxEpoch()).isEqualTo(99);
              assertThat(r.getInboxSeq()).isEqualTo(5);
              assertThat(r.getNotify()).isTrue();
              assertThat(r.getRequireAck()).isTrue();
              assertThat(r.getMessageId()).isEqualTo(42);
              assertThat(r.getAcceptUnixMs()).isEqualTo(1_000);
            });
  }

  @Test
  void aStoredRecordWithoutMidsStillCarriesItsPosition() {
    PushMsg msg = record(PushType.PUSH_TYPE_KEYS).setInboxEpoch(3).setInboxSeq(1).build();

    PushMsgRequest request = UnicastDelivery.requests(msg, 1000).get(0);

    assertThat(request.getInboxEpoch()).isEqualTo(3);
    assertThat(request.getInboxSeq()).isEqualTo(1);
  }

  @Test
  void aRecordNotStoredCarriesNoPositionAndNoNotify() {
    PushMsg msg = record(PushType.PUSH_TYPE_MIDS).addMids(7).setNotify(true).build();

    PushMsgRequest request = UnicastDelivery.requests(msg, 1000).get(0);

    assertThat(request.getInboxSeq()).isZero();
    assertThat(request.getInboxEpoch()).isZero();
    assertThat(request.getNotify()).as("notify needs store").isFalse();
  }

  @Test
  void aSeqOnARecordOfSeveralUsersIsNotPassedOn() {
    PushMsg msg =
        record(PushType.PUSH_TYPE_MIDS)
            .addMids(7)
            .addMids(8)
            .setInboxEpoch(3)
            .setInboxSeq(4)
            .build();

    PushMsgRequest request = UnicastDelivery.requests(msg, 1000).get(0);

    assertThat(request.getInboxSeq()).isZero();
    assertThat(request.getInboxEpoch()).isZero();
  }

  @Test
  void anAckWithoutAMessageIdIsNotAsked() {
    PushMsg msg = record(PushType.PUSH_TYPE_KEYS).setMessageId(0).setRequireAck(true).build();

    assertThat(UnicastDelivery.requests(msg, 1000).get(0).getRequireAck()).isFalse();
  }
}
