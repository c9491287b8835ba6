package io.herald.wire.chat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.wire.delivery.MalformedBodyException;
import io.herald.wire.fuzz.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Fuzzes the chat bodies (docs/im.md, ops 28-38): every request, reply (with the error a reply may
 * carry instead) and notice. The first byte picks the body (its value modulo 11); the rest is the
 * body.
 *
 * <p>What must hold: a body is either refused with {@link MalformedBodyException} or read; what is
 * read, written and read again is the same value, and writing that gives the same bytes (the
 * encoding is canonical; a body may carry bytes the layout ignores, so the first bytes need not be
 * the input); every buffer is released. Replayed from {@code ChatBodiesFuzzTestInputs/bodies};
 * fuzzed with {@code bench/fuzz chat}.
 */
class ChatBodiesFuzzTest {
  private record Body<T>(
      String name,
      boolean reply,
      Function<ByteBuf, T> decode,
      BiFunction<T, ByteBufAllocator, ByteBuf> encode) {}

  private static final List<Body<?>> BODIES =
      List.of(
          new Body<>("CHAT_SEND", false, ChatSend::decode, ChatSend::encode),
          new Body<>("CHAT_SEND_REPLY", true, ChatSendReply::decode, ChatSendReply::encode),
          new Body<>("CHAT_LIST", false, ChatList::decode, ChatList::encode),
          new Body<>("CHAT_LIST_REPLY", true, ChatListReply::decode, ChatListReply::encode),
          new Body<>("CHAT_HISTORY", false, ChatHistory::decode, ChatHistory::encode),
          new Body<>(
              "CHAT_HISTORY_REPLY", true, ChatHistoryReply::decode, ChatHistoryReply::encode),
          new Body<>("CHAT_READ", false, ChatRead::decode, ChatRead::encode),
          new Body<>("CHAT_READ_REPLY", true, ChatReadReply::decode, ChatReadReply::encode),
          new Body<>("CHAT_MESSAGE", false, ChatMessage::decode, ChatMessage::encode),
          new Body<>("CHAT_RECEIPT", false, ChatReceipt::decode, ChatReceipt::encode),
          new Body<>("CHAT_NOTICE", false, ChatNotice::decode, ChatNotice::encode));

  @FuzzTest
  void bodies(byte[] input) {
    if (input.length == 0) {
      return;
    }
    TrackingAllocator alloc = new TrackingAllocator();
    Body<?> body = BODIES.get((input[0] & 0xFF) % BODIES.size());
    ByteBuf in = alloc.copyOf(input, 1, input.length);
    try {
      if (body.reply() && in.readableBytes() >= 2) {
        ChatError error = ChatError.peek(in);
        if (error != null) {
          roundTrip(alloc, new Body<>("chat error", true, ChatError::peek, ChatError::encode), in);
          return;
        }
      }
      roundTrip(alloc, body, in);
    } catch (MalformedBodyException refused) {
      // the documented refusal: answered with BAD_REQUEST or ignored, the connection stays
    } finally {
      in.release();
      alloc.assertAllReleased();
    }
  }

  private static <T> void roundTrip(TrackingAllocator alloc, Body<T> body, ByteBuf in) {
    T first = body.decode().apply(in);
    ByteBuf written = body.encode().apply(first, alloc);
    try {
      byte[] bytes = ByteBufUtil.getBytes(written);
      T second = body.decode().apply(written);
      if (!first.equals(second)) {
        throw new AssertionError(body.name() + ": " + first + " reads back as " + second);
      }
      ByteBuf again = body.encode().apply(second, alloc);
      try {
        if (!Arrays.equals(ByteBufUtil.getBytes(again), bytes)) {
          throw new AssertionError(body.name() + ": written twice, the bytes differ");
        }
      } finally {
        again.release();
      }
    } finally {
      written.release();
    }
  }
}
