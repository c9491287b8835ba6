package io.herald.wire.delivery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.MalformedBatchException;
import io.herald.wire.fuzz.Reencoding;
import io.herald.wire.fuzz.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Fuzzes the delivery bodies (docs/delivery.md): op 18 ACK, op 19 SYNC, op 20 SYNC_REPLY (head and
 * the op-26 frames after it), op 26 MESSAGE's head, op 27 INBOX_NOTICE. The first byte picks the
 * body (its value modulo 5); the rest is the body.
 *
 * <p>What must hold: a body is either refused with {@link MalformedBodyException} (or, for the
 * frames of a SYNC_REPLY, {@link MalformedBatchException}) or read; what is read, written again,
 * gives the same bytes (for the flag bytes: the bits the layout defines); the body's reader index
 * is left as it was; every buffer is released. Replayed from {@code
 * DeliveryBodiesFuzzTestInputs/bodies}; fuzzed with {@code bench/fuzz delivery}.
 */
class DeliveryBodiesFuzzTest {
  private static final FrameLimits LIMITS = FrameLimits.DEFAULT;

  @FuzzTest
  void bodies(byte[] input) {
    if (input.length == 0) {
      return;
    }
    TrackingAllocator alloc = new TrackingAllocator();
    ByteBuf body = alloc.copyOf(input, 1, input.length);
    byte[] bytes = ByteBufUtil.getBytes(body);
    try {
      switch ((input[0] & 0xFF) % 5) {
        case 0 -> ack(alloc, body, bytes);
        case 1 -> sync(alloc, body, bytes);
        case 2 -> syncReply(alloc, body, bytes);
        case 3 -> message(alloc, body, bytes);
        default -> notice(alloc, body, bytes);
      }
    } catch (MalformedBodyException | MalformedBatchException refused) {
      // the documented refusal: the receiver counts it and ignores the frame
    } finally {
      if (body.readerIndex() != 0) {
        throw new AssertionError("the reader index moved to " + body.readerIndex());
      }
      body.release();
    }
    alloc.assertAllReleased();
  }

  private static void ack(TrackingAllocator alloc, ByteBuf body, byte[] bytes) {
    AckBody ack = AckBody.decode(body);
    sameBytes("ACK", ack.encode(alloc), bytes, 0, bytes.length, -1, 0);
  }

  private static void sync(TrackingAllocator alloc, ByteBuf body, byte[] bytes) {
    SyncBody sync = SyncBody.decode(body);
    if (sync.fromCursor() != (bytes.length == 0)) {
      throw new AssertionError(
          "fromCursor " + sync.fromCursor() + " for " + bytes.length + " bytes");
    }
    sameBytes("SYNC", sync.encode(alloc), bytes, 0, bytes.length, -1, 0);
  }

  private static void syncReply(TrackingAllocator alloc, ByteBuf body, byte[] bytes) {
    SyncReply head = SyncReply.decode(body);
    List<Frame> messages = SyncReply.messages(body, LIMITS);
    try {
      int at = SyncReply.HEAD_LENGTH;
      for (Frame message : messages) {
        at = Reencoding.check(message, bytes, at);
      }
      if (at != bytes.length) {
        throw new AssertionError("SYNC_REPLY: read " + at + " of " + bytes.length + " bytes");
      }
      ByteBuf again = head.encode(alloc, List.of());
      sameBytes("SYNC_REPLY", again, bytes, 0, SyncReply.HEAD_LENGTH, 24, 0x03);
    } finally {
      messages.forEach(Frame::release);
    }
  }

  private static void message(TrackingAllocator alloc, ByteBuf body, byte[] bytes) {
    MessageEnvelope envelope = MessageEnvelope.decode(body);
    ByteBuf payload = MessageEnvelope.payload(body);
    if (payload.readableBytes() != bytes.length - MessageEnvelope.HEAD_LENGTH) {
      throw new AssertionError("MESSAGE payload of " + payload.readableBytes() + " bytes");
    }
    sameBytes("MESSAGE", envelope.head(alloc), bytes, 0, MessageEnvelope.HEAD_LENGTH, 28, 0x01);
  }

  private static void notice(TrackingAllocator alloc, ByteBuf body, byte[] bytes) {
    InboxNotice notice = InboxNotice.decode(body);
    sameBytes("INBOX_NOTICE", notice.encode(alloc), bytes, 0, bytes.length, -1, 0);
  }

  /**
   * Asserts that {@code written} (released here) equals {@code bytes[from, to)}, except that at
   * index {@code flagsAt} only the bits of {@code flagBits} are compared.
   */
  private static void sameBytes(
      String what, ByteBuf written, byte[] bytes, int from, int to, int flagsAt, int flagBits) {
    try {
      if (written.readableBytes() != to - from) {
        throw new AssertionError(what + " written as " + written.readableBytes() + " bytes");
      }
      for (int i = from; i < to; i++) {
        int expected = i == flagsAt ? bytes[i] & flagBits : bytes[i];
        if (written.getByte(written.readerIndex() + i - from) != (byte) expected) {
          throw new AssertionError(what + " written again differs at byte " + i);
        }
      }
    } finally {
      written.release();
    }
  }
}
