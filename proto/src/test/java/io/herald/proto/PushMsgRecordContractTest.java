package io.herald.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto.ReservedRange;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushMsgProto;
import io.herald.proto.queue.v1.PushType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Kafka push record: what Logic writes, Job must read back exactly. */
class PushMsgRecordContractTest {

  private static PushMsg fullRecord() {
    return PushMsg.newBuilder()
        .setType(PushType.PUSH_TYPE_MIDS)
        .setOp(1001)
        .setServerId("comet-sh-01")
        .setRoom("live://1000")
        .addKeys("key-a")
        .addKeys("key-b")
        .setBody(ByteString.copyFrom("hello", StandardCharsets.UTF_8))
        .setSpeed(500)
        .setMessageId(7_000_000_000_123L)
        .setAcceptUnixMs(1_764_000_000_000L)
        .addMids(123L)
        .setInboxSeq(42L)
        .setRequireAck(true)
        .addRoomServers("comet-sh-02")
        .setRoomServersKnown(true)
        .setInboxEpoch(1_764_000_000_001L)
        .setNotify(true)
        .build();
  }

  @Test
  void everyFieldSurvivesTheBytes() throws InvalidProtocolBufferException {
    PushMsg record = fullRecord();

    PushMsg decoded = PushMsg.parseFrom(record.toByteArray());

    assertThat(decoded).isEqualTo(record);
    // Every declared field is set above, so a field added later must be added to this test too.
    for (FieldDescriptor field : PushMsg.getDescriptor().getFields()) {
      if (field.isRepeated()) {
        assertThat(decoded.getRepeatedFieldCount(field)).as(field.getName()).isPositive();
      } else {
        assertThat(decoded.hasField(field)).as(field.getName()).isTrue();
      }
    }
  }

  @Test
  void readerKeepsFieldsFromANewerWriterInTheHeldRange() throws IOException {
    // A future writer claims field 20 (inside the held range); today's Job must still route.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fullRecord().writeTo(out);
    out.writeInt64(20, 99L);
    out.flush();

    PushMsg decoded = PushMsg.parseFrom(bytes.toByteArray());

    assertThat(decoded.getMessageId()).isEqualTo(7_000_000_000_123L);
    assertThat(decoded.getKeysList()).containsExactly("key-a", "key-b");
    assertThat(decoded.getUnknownFields().hasField(20)).isTrue();
    assertThat(decoded.toByteArray()).isEqualTo(bytes.toByteArray());
  }

  @Test
  void heldRangeIsReservedAndUnused() {
    assertThat(PushMsg.getDescriptor().toProto().getReservedRangeList())
        .extracting(ReservedRange::getStart, ReservedRange::getEnd)
        .containsExactly(tuple(17, 32)); // end is exclusive
    assertThat(PushMsg.getDescriptor().getFields())
        .extracting(FieldDescriptor::getNumber)
        .allSatisfy(number -> assertThat(number).isLessThan(17));
  }

  @Test
  void recordIsPlainProtobuf() {
    assertThat(PushMsgProto.getDescriptor().getServices()).isEmpty();
    assertThat(PushMsgProto.getDescriptor().getDependencies()).isEmpty();
  }

  @Test
  void unsetTypeIsTheZeroValue() throws InvalidProtocolBufferException {
    PushMsg decoded = PushMsg.parseFrom(new byte[0]);

    assertThat(decoded.getType()).isEqualTo(PushType.PUSH_TYPE_UNSPECIFIED);
  }
}
