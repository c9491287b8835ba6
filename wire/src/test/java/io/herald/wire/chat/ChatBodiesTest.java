package io.herald.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ChatBodiesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final byte[] HI = "hi".getBytes(StandardCharsets.UTF_8);
  private static final ChatMessage MESSAGE =
      new ChatMessage(1001, ChatKind.USER, 2, 1, 7, 1_700_000_000_000L, 77, 1, HI);

  @Test
  void requestsRoundTrip() {
    ChatSend send = new ChatSend(Conversation.group(9), 77, 1, HI);
    assertThat(roundTrip(send.encode(ALLOC), ChatSend::decode)).isEqualTo(send);
    ChatList list = new ChatList(1_700_000_000_000L, 20);
    assertThat(roundTrip(list.encode(ALLOC), ChatList::decode)).isEqualTo(list);
    ChatHistory history = new ChatHistory(Conversation.user(2), 0, 40, 50);
    assertThat(roundTrip(history.encode(ALLOC), ChatHistory::decode)).isEqualTo(history);
    ChatRead read = new ChatRead(Conversation.user(2), 7);
    assertThat(roundTrip(read.encode(ALLOC), ChatRead::decode)).isEqualTo(read);
  }

  @Test
  void repliesAndDeliveriesRoundTrip() {
    ChatSendReply sent = new ChatSendReply(1001, 7, 1_700_000_000_000L, true);
    assertThat(roundTrip(sent.encode(ALLOC), ChatSendReply::decode)).isEqualTo(sent);
    ConversationSummary withLast =
        new ConversationSummary(Conversation.user(2), FanoutMode.WRITE, 7, 5, 2, 1L, MESSAGE);
    ConversationSummary empty =
        new ConversationSummary(Conversation.group(9), FanoutMode.READ, 0, 0, 0, 2L, null);
    ChatListReply list = new ChatListReply(true, List.of(withLast, empty));
    assertThat(roundTrip(list.encode(ALLOC), ChatListReply::decode)).isEqualTo(list);
    ChatHistoryReply history = new ChatHistoryReply(false, 7, List.of(MESSAGE, MESSAGE));
    assertThat(roundTrip(history.encode(ALLOC), ChatHistoryReply::decode)).isEqualTo(history);
    ChatReadReply read = new ChatReadReply(7, 0);
    assertThat(roundTrip(read.encode(ALLOC), ChatReadReply::decode)).isEqualTo(read);
    assertThat(roundTrip(MESSAGE.encode(ALLOC), ChatMessage::decode)).isEqualTo(MESSAGE);
    ChatReceipt receipt = new ChatReceipt(2, Conversation.user(1), 7);
    assertThat(roundTrip(receipt.encode(ALLOC), ChatReceipt::decode)).isEqualTo(receipt);
    ChatNotice notice = new ChatNotice(Conversation.group(9), 7, ChatNotice.Event.JOINED);
    assertThat(roundTrip(notice.encode(ALLOC), ChatNotice::decode)).isEqualTo(notice);
  }

  @Test
  void conversationsAreNamedFromTheReadersSide() {
    assertThat(MESSAGE.conversationFor(1)).isEqualTo(Conversation.user(2));
    assertThat(MESSAGE.conversationFor(2)).isEqualTo(Conversation.user(1));
    ChatReceipt receipt = new ChatReceipt(2, Conversation.user(1), 7);
    assertThat(receipt.conversationFor(1)).isEqualTo(Conversation.user(2));
    assertThat(receipt.conversationFor(2)).isEqualTo(Conversation.user(1));
    ChatReceipt group = new ChatReceipt(2, Conversation.group(9), 7);
    assertThat(group.conversationFor(1)).isEqualTo(Conversation.group(9));
  }

  @Test
  void errorsCarryTheirStatusAndMessage() {
    ByteBuf body = new ChatError(ChatStatus.NOT_MEMBER, "not a member of group 9").encode(ALLOC);
    try {
      assertThat(ChatError.peek(body))
          .isEqualTo(new ChatError(ChatStatus.NOT_MEMBER, "not a member of group 9"));
      assertThatThrownBy(() -> ChatSendReply.decode(body))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageContaining("NOT_MEMBER");
    } finally {
      body.release();
    }
    ByteBuf ok = new ChatReadReply(1, 0).encode(ALLOC);
    try {
      assertThat(ChatError.peek(ok)).isNull();
    } finally {
      ok.release();
    }
    assertThat(ChatStatus.of(999)).isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(ChatStatus.RATE_LIMITED.retryable()).isTrue();
    assertThat(ChatStatus.NOT_MEMBER.retryable()).isFalse();
  }

  @Test
  void malformedBodiesAreRefusedWithTheirReason() {
    assertMalformed(ChatSend::decode, new byte[20], "CHAT_SEND");
    byte[] kindThree = new byte[21];
    kindThree[0] = 3;
    assertMalformed(ChatSend::decode, kindThree, "kind 3");
    byte[] noClientId = new byte[21];
    noClientId[0] = 1;
    assertMalformed(ChatSend::decode, noClientId, "client_msg_id is 0");
    assertMalformed(ChatHistory::decode, new byte[28], "CHAT_HISTORY");
    // an OK list reply that claims a million conversations in 5 bytes
    byte[] hugeCount = {0, 0, 0, 0x00, 0x0f, 0x42, 0x40};
    assertMalformed(ChatListReply::decode, hugeCount, "does not fit");
    // a history reply whose record length runs past the end
    ByteBuf lying = Unpooled.buffer().writeShort(0).writeByte(0).writeLong(7).writeInt(1);
    lying.writeInt(1000).writeLong(1);
    assertMalformed(ChatHistoryReply::decode, bytes(lying), "record length 1000");
    assertMalformed(
        ChatNotice::decode,
        new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 9},
        "event 9");
  }

  private static <T> T roundTrip(ByteBuf encoded, Function<ByteBuf, T> decode) {
    try {
      T decoded = decode.apply(encoded);
      assertThat(encoded.isReadable()).as("decoding reads the whole body").isFalse();
      return decoded;
    } finally {
      encoded.release();
    }
  }

  private static void assertMalformed(Function<ByteBuf, ?> decode, byte[] body, String reason) {
    assertThatThrownBy(() -> decode.apply(Unpooled.wrappedBuffer(body)))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining(reason);
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    return out;
  }
}
