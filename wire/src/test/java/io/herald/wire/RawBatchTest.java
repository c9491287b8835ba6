package io.herald.wire;

import static io.herald.wire.TestFrames.bodyText;
import static io.herald.wire.TestFrames.encoded;
import static io.herald.wire.TestFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawBatchTest {

  @Test
  void splitsWhatItEncodesInOrderLeavingTheBodyUntouched() {
    Frame a = frame(ProtocolVersion.V1, 1000, 1, "a");
    Frame b = frame(ProtocolVersion.V2, 1001, 2, "bb");
    ByteBuf body = RawBatch.encodeBody(ByteBufAllocator.DEFAULT, List.of(a, b));
    int readerIndex = body.readerIndex();

    List<Frame> frames = RawBatch.split(body, FrameLimits.DEFAULT);

    assertThat(frames).containsExactly(a, b);
    assertThat(bodyText(frames.get(1))).isEqualTo("bb");
    assertThat(body.readerIndex()).isEqualTo(readerIndex);
    assertThat(body.refCnt()).isEqualTo(1 + 2);
    frames.forEach(Frame::release);
    List.of(a, b).forEach(Frame::release);
    assertThat(body.release()).isTrue();
  }

  @Test
  void anEmptyBatchHoldsNoFrames() {
    assertThat(RawBatch.split(Unpooled.EMPTY_BUFFER, FrameLimits.DEFAULT)).isEmpty();
  }

  @Test
  void refusesANestedBatchAndReleasesWhatItAlreadySplit() {
    Frame plain = frame(ProtocolVersion.V1, 1000, 1, "x");
    Frame nested = new Frame(ProtocolVersion.V1, Op.RAW, 0, encoded(plain));
    ByteBuf body = Unpooled.buffer().writeBytes(encoded(plain)).writeBytes(encoded(nested));

    assertThatThrownBy(() -> RawBatch.split(body, FrameLimits.DEFAULT))
        .isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("nested");

    assertThat(body.refCnt()).isOne();
    body.release();
    plain.release();
    nested.release();
  }

  @Test
  void refusesToEncodeANestedBatch() {
    Frame nested = Frame.empty(ProtocolVersion.V1, Op.RAW, 0);
    assertThatThrownBy(() -> RawBatch.encodeBody(ByteBufAllocator.DEFAULT, List.of(nested)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesOpsForLogs() {
    assertThat(Op.name(Op.RAW)).isEqualTo("RAW");
    assertThat(Op.name(Op.LEAVE_ROOM_REPLY)).isEqualTo("LEAVE_ROOM_REPLY");
    assertThat(Op.name(1001)).isEqualTo("BUSINESS(1001)");
    assertThat(Op.name(500)).isEqualTo("OP(500)");
    assertThat(Op.name(-1)).isEqualTo("OP(-1)");
  }
}
