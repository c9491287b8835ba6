package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.herald.wire.Op;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ChatRequestsTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ImMetrics metrics = new ImMetrics(meters);
  private final ChatRequests requests =
      new ChatRequests(
          new ImService(
              null, null, null, null, ImConfig.defaults(), null, null, Clock.systemUTC(), metrics),
          metrics);

  @Test
  void aMalformedBodyIsABadRequestReplyAndCounted() {
    for (int op : new int[] {Op.CHAT_SEND, Op.CHAT_LIST, Op.CHAT_HISTORY, Op.CHAT_READ}) {
      ChatRequests.Reply reply = requests.handle(1, op, ByteString.copyFrom(new byte[] {9})).join();

      assertThat(reply.op()).isEqualTo(op + 1);
      ChatError error = ChatError.peek(Unpooled.wrappedBuffer(reply.body().toByteArray()));
      assertThat(error.status()).isEqualTo(ChatStatus.BAD_REQUEST);
      assertThat(error.message()).contains("1 bytes left");
    }
    assertThat(meters.counter("herald.logic.im.malformed", "op", "chat_send").count()).isOne();
    assertThat(meters.counter("herald.logic.im.malformed", "op", "chat_read").count()).isOne();
  }

  @Test
  void anUnknownConversationKindIsABadRequest() {
    byte[] body = new byte[21];
    body[0] = 3;
    body[16] = 1; // client_msg_id 1

    ChatRequests.Reply reply = requests.handle(1, Op.CHAT_SEND, ByteString.copyFrom(body)).join();

    ChatError error = ChatError.peek(Unpooled.wrappedBuffer(reply.body().toByteArray()));
    assertThat(error.status()).isEqualTo(ChatStatus.BAD_REQUEST);
    assertThat(error.message()).contains("kind 3");
  }

  @Test
  void withoutImEveryChatRequestIsUnavailable() {
    ChatRequests.Reply reply =
        ChatRequests.disabled().handle(1, Op.CHAT_LIST, ByteString.EMPTY).join();

    assertThat(reply.op()).isEqualTo(Op.CHAT_LIST_REPLY);
    ChatError error = ChatError.peek(Unpooled.wrappedBuffer(reply.body().toByteArray()));
    assertThat(error.status()).isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(error.message()).isEqualTo("chat is not enabled on this server");
  }

  @Test
  void onlyChatRequestsAreTaken() {
    assertThatThrownBy(() -> requests.handle(1, Op.SEND_MSG, ByteString.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("op: 4");
  }
}
