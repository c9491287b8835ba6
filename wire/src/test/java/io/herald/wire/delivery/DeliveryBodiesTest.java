package io.herald.wire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryBodiesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @Test
  void anAckCarriesAPositionAndIds() {
    AckBody ack = new AckBody(7, 42, new long[] {100, 101});
    ByteBuf encoded = ack.encode(ALLOC);
    try {
      assertThat(encoded.readableBytes()).isEqualTo(32);
      assertThat(AckBody.decode(encoded)).isEqualTo(ack);
      assertThat(AckBody.decode(encoded).hasSeq()).isTrue();
      assertThat(encoded.readerIndex()).isZero();
    } finally {
      encoded.release();
    }
  }

  @Test
  void anAckOfTheWrongLengthIsMalformed() {
    assertThatThrownBy(() -> AckBody.decode(Unpooled.wrappedBuffer(new byte[20])))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("ACK body of 20 bytes");
    assertThatThrownBy(() -> AckBody.decode(Unpooled.wrappedBuffer(new byte[8])))
        .isInstanceOf(MalformedBodyException.class);
    assertThatThrownBy(() -> AckBody.decode(Unpooled.wrappedBuffer(new byte[16 + 8 * 257])))
        .hasMessageContaining("257 ids");
  }

  @Test
  void anEmptySyncResumesFromTheCursor() {
    assertThat(SyncBody.decode(Unpooled.EMPTY_BUFFER).fromCursor()).isTrue();
    SyncBody sync = SyncBody.after(5, 9, 100);
    ByteBuf encoded = sync.encode(ALLOC);
    try {
      assertThat(SyncBody.decode(encoded)).isEqualTo(sync);
    } finally {
      encoded.release();
    }
    assertThatThrownBy(() -> SyncBody.decode(Unpooled.wrappedBuffer(new byte[8])))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("SYNC body of 8 bytes");
    ByteBuf negative = Unpooled.buffer().writeLong(-1).writeLong(0).writeInt(0);
    assertThatThrownBy(() -> SyncBody.decode(negative)).isInstanceOf(MalformedBodyException.class);
  }

  @Test
  void aMessageFrameWrapsTheBodyWithItsHead() {
    ByteBuf body = Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8);
    MessageEnvelope envelope = new MessageEnvelope(99, 3, 12, 1000, true);
    Frame frame = envelope.frame(ALLOC, ProtocolVersion.V2, body);
    try {
      assertThat(frame.op()).isEqualTo(Op.MESSAGE);
      assertThat(MessageEnvelope.decode(frame.body())).isEqualTo(envelope);
      assertThat(MessageEnvelope.payload(frame.body()).toString(StandardCharsets.UTF_8))
          .isEqualTo("hi");
      assertThat(body.refCnt()).as("the frame holds its own reference").isEqualTo(2);
    } finally {
      frame.release();
      body.release();
    }
    assertThat(body.refCnt()).isZero();
    assertThatThrownBy(() -> MessageEnvelope.decode(Unpooled.wrappedBuffer(new byte[28])))
        .isInstanceOf(MalformedBodyException.class);
  }

  @Test
  void aSyncReplyHoldsItsHeadAndMessageFrames() {
    ByteBuf body = Unpooled.copiedBuffer("x", StandardCharsets.UTF_8);
    Frame one = new MessageEnvelope(1, 3, 4, 1000, false).frame(ALLOC, ProtocolVersion.V2, body);
    Frame two = new MessageEnvelope(2, 3, 5, 1001, false).frame(ALLOC, ProtocolVersion.V2, body);
    SyncReply head = new SyncReply(3, 4, 9, true, false);
    ByteBuf encoded = head.encode(ALLOC, List.of(one, two));
    one.release();
    two.release();
    body.release();
    try {
      assertThat(SyncReply.decode(encoded)).isEqualTo(head);
      List<Frame> frames = SyncReply.messages(encoded, FrameLimits.DEFAULT);
      assertThat(frames)
          .extracting(f -> MessageEnvelope.decode(f.body()).seq())
          .containsExactly(4L, 5L);
      frames.forEach(Frame::release);
      assertThat(ByteBufUtil.hexDump(encoded, 0, SyncReply.HEAD_LENGTH))
          .isEqualTo("0000000000000003" + "0000000000000004" + "0000000000000009" + "01");
    } finally {
      encoded.release();
    }
  }

  @Test
  void aNoticeIsSixteenBytes() {
    ByteBuf encoded = new InboxNotice(3, 77).encode(ALLOC);
    try {
      assertThat(InboxNotice.decode(encoded)).isEqualTo(new InboxNotice(3, 77));
    } finally {
      encoded.release();
    }
    assertThatThrownBy(() -> InboxNotice.decode(Unpooled.wrappedBuffer(new byte[15])))
        .isInstanceOf(MalformedBodyException.class);
  }
}
