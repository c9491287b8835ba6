package io.herald.wire.chat;

import static io.herald.wire.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The byte-level examples in docs/im.md: each decodes to the values the text names and re-encodes
 * to exactly the documented bytes.
 */
class ChatDocExamplesTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- (frame|body): ([a-z0-9-]+) -->\\s*```text\\n([0-9a-f \\n]+)```");
  private static final byte[] HI = "hi".getBytes(StandardCharsets.UTF_8);
  private static final ChatMessage MESSAGE =
      new ChatMessage(1001, ChatKind.USER, 2, 1, 7, 1_700_000_000_000L, 77, 1, HI);

  private static Map<String, String> examples;

  @BeforeAll
  static void readTheDoc() throws IOException {
    Path doc = Path.of("..", "docs", "im.md");
    assertThat(doc).as("run from the wire module directory").exists();
    examples = new LinkedHashMap<>();
    Matcher m = EXAMPLE.matcher(Files.readString(doc, StandardCharsets.UTF_8));
    while (m.find()) {
      examples.put(m.group(2), m.group(3));
    }
    assertThat(examples)
        .containsOnlyKeys(
            "chat-send-v2",
            "chat-send-reply-v2",
            "chat-error-v2",
            "chat-message",
            "chat-list-v2",
            "chat-list-reply-v2",
            "chat-history-v2",
            "chat-history-reply-v2",
            "chat-read-v2",
            "chat-read-reply-v2",
            "chat-receipt",
            "chat-notice-v2");
  }

  @Test
  void sendAndItsReplies() {
    assertThat(frame("chat-send-v2", Op.CHAT_SEND, 5, ChatSend::decode, s -> s.encode(alloc())))
        .isEqualTo(new ChatSend(Conversation.user(2), 77, 1, HI));
    assertThat(
            frame(
                "chat-send-reply-v2",
                Op.CHAT_SEND_REPLY,
                5,
                ChatSendReply::decode,
                r -> r.encode(alloc())))
        .isEqualTo(new ChatSendReply(1001, 7, 1_700_000_000_000L, false));
    assertThat(
            frame("chat-error-v2", Op.CHAT_SEND_REPLY, 6, ChatError::peek, e -> e.encode(alloc())))
        .isEqualTo(new ChatError(ChatStatus.NOT_MEMBER, "not a member of group 9"));
  }

  @Test
  void whatDevicesReceive() {
    assertThat(body("chat-message", ChatMessage::decode, m -> m.encode(alloc())))
        .isEqualTo(MESSAGE);
    assertThat(body("chat-receipt", ChatReceipt::decode, r -> r.encode(alloc())))
        .isEqualTo(new ChatReceipt(2, Conversation.user(1), 7));
    assertThat(
            frame("chat-notice-v2", Op.CHAT_NOTICE, 0, ChatNotice::decode, n -> n.encode(alloc())))
        .isEqualTo(new ChatNotice(Conversation.group(9), 12, ChatNotice.Event.NEW));
  }

  @Test
  void listHistoryAndRead() {
    assertThat(frame("chat-list-v2", Op.CHAT_LIST, 8, ChatList::decode, l -> l.encode(alloc())))
        .isEqualTo(new ChatList(0, 20));
    assertThat(
            frame(
                "chat-list-reply-v2",
                Op.CHAT_LIST_REPLY,
                8,
                ChatListReply::decode,
                l -> l.encode(alloc())))
        .isEqualTo(
            new ChatListReply(
                false,
                List.of(
                    new ConversationSummary(
                        Conversation.user(1),
                        FanoutMode.WRITE,
                        7,
                        6,
                        1,
                        1_700_000_000_000L,
                        MESSAGE))));
    assertThat(
            frame(
                "chat-history-v2", Op.CHAT_HISTORY, 9, ChatHistory::decode, h -> h.encode(alloc())))
        .isEqualTo(new ChatHistory(Conversation.user(1), 6, 0, 50));
    assertThat(
            frame(
                "chat-history-reply-v2",
                Op.CHAT_HISTORY_REPLY,
                9,
                ChatHistoryReply::decode,
                h -> h.encode(alloc())))
        .isEqualTo(new ChatHistoryReply(false, 7, List.of(MESSAGE)));
    assertThat(frame("chat-read-v2", Op.CHAT_READ, 10, ChatRead::decode, r -> r.encode(alloc())))
        .isEqualTo(new ChatRead(Conversation.user(1), 7));
    assertThat(
            frame(
                "chat-read-reply-v2",
                Op.CHAT_READ_REPLY,
                10,
                ChatReadReply::decode,
                r -> r.encode(alloc())))
        .isEqualTo(new ChatReadReply(7, 0));
  }

  private static ByteBufAllocator alloc() {
    return Unpooled.buffer().alloc();
  }

  /** Decodes a documented frame's body, checks its header, and that encoding gives the bytes. */
  private static <T> T frame(
      String name, int op, int seq, Function<ByteBuf, T> decode, Function<T, ByteBuf> encode) {
    ByteBuf bytes = hex(examples.get(name));
    Frame frame = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
    try {
      assertThat(bytes.isReadable()).as("%s is exactly one frame", name).isFalse();
      assertThat(frame.version()).isEqualTo(ProtocolVersion.V2);
      assertThat(frame.op()).isEqualTo(op);
      assertThat(frame.seq()).isEqualTo(seq);
      T value = decode.apply(frame.body().duplicate());
      Frame again = new Frame(ProtocolVersion.V2, op, seq, encode.apply(value));
      ByteBuf reencoded = Unpooled.buffer();
      FrameCodec.encode(again, reencoded);
      again.release();
      assertThat(ByteBufUtil.hexDump(reencoded))
          .isEqualTo(ByteBufUtil.hexDump(bytes, 0, bytes.writerIndex()));
      reencoded.release();
      return value;
    } finally {
      frame.release();
      bytes.release();
    }
  }

  private static <T> T body(String name, Function<ByteBuf, T> decode, Function<T, ByteBuf> encode) {
    ByteBuf bytes = hex(examples.get(name));
    try {
      T value = decode.apply(bytes.duplicate());
      ByteBuf reencoded = encode.apply(value);
      assertThat(ByteBufUtil.hexDump(reencoded)).isEqualTo(ByteBufUtil.hexDump(bytes));
      reencoded.release();
      return value;
    } finally {
      bytes.release();
    }
  }
}
