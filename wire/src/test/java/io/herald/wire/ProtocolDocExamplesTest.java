package io.herald.wire;

import static io.herald.wire.TestFrames.bodyText;
import static io.herald.wire.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decodes the byte-level examples in docs/protocol.md, and re-encodes them byte for byte. */
class ProtocolDocExamplesTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- frame: ([a-z0-9-]+) -->\\s*```text\\n([0-9a-f \\n]+)```");
  private static final String AUTH_BODY =
      "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000,1001]}";

  private static Map<String, String> examples;

  @BeforeAll
  static void readTheDoc() throws IOException {
    Path doc = Path.of("..", "docs", "protocol.md");
    assertThat(doc).as("run from the wire module directory").exists();
    examples = new LinkedHashMap<>();
    Matcher m = EXAMPLE.matcher(Files.readString(doc, StandardCharsets.UTF_8));
    while (m.find()) {
      examples.put(m.group(1), m.group(2));
    }
    assertThat(examples)
        .containsOnlyKeys(
            "auth-v1",
            "auth-v2",
            "heartbeat-v1",
            "heartbeat-reply-v1",
            "heartbeat-v2",
            "heartbeat-reply-v2",
            "batch-v1",
            "batch-v2",
            "message-v2",
            "ack-v2",
            "sync-v2",
            "sync-resume-v2",
            "sync-reply-v2",
            "inbox-notice-v2");
  }

  @Test
  void authFrames() {
    for (ProtocolVersion version : ProtocolVersion.values()) {
      try (Decoded d = decode("auth-v" + version.wireValue())) {
        assertThat(d.frame.version()).isEqualTo(version);
        assertThat(d.frame.op()).isEqualTo(Op.AUTH);
        assertThat(d.frame.seq()).isEqualTo(1);
        assertThat(bodyText(d.frame)).isEqualTo(AUTH_BODY);
      }
    }
  }

  @Test
  void heartbeatsAndReplies() {
    for (ProtocolVersion version : ProtocolVersion.values()) {
      try (Decoded ping = decode("heartbeat-v" + version.wireValue());
          Decoded pong = decode("heartbeat-reply-v" + version.wireValue())) {
        assertThat(ping.frame.op()).isEqualTo(Op.HEARTBEAT);
        assertThat(ping.frame.body().readableBytes()).isZero();
        assertThat(pong.frame.version()).isEqualTo(version);
        assertThat(pong.frame.op()).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(pong.frame.seq()).isEqualTo(ping.frame.seq()).isEqualTo(2);
        assertThat(pong.frame.body().getInt(0)).isEqualTo(12);
      }
    }
  }

  @Test
  void batches() {
    for (ProtocolVersion version : ProtocolVersion.values()) {
      try (Decoded d = decode("batch-v" + version.wireValue())) {
        assertThat(d.frame.op()).isEqualTo(Op.RAW);
        List<Frame> inner = RawBatch.split(d.frame.body(), FrameLimits.DEFAULT);
        assertThat(inner).extracting(Frame::op).containsExactly(1000, 1000);
        assertThat(inner).extracting(Frame::version).containsOnly(version);
        assertThat(inner).extracting(TestFrames::bodyText).containsExactly("hi", "yo");
        inner.forEach(Frame::release);
      }
    }
  }

  @Test
  void deliveryFrames() {
    try (Decoded message = decode("message-v2");
        Decoded ack = decode("ack-v2");
        Decoded sync = decode("sync-v2");
        Decoded resume = decode("sync-resume-v2");
        Decoded reply = decode("sync-reply-v2");
        Decoded notice = decode("inbox-notice-v2")) {
      assertThat(message.frame.op()).isEqualTo(Op.MESSAGE);
      assertThat(MessageEnvelope.decode(message.frame.body()))
          .isEqualTo(new MessageEnvelope(1001, 7, 42, 1000, true));
      assertThat(MessageEnvelope.payload(message.frame.body()).toString(StandardCharsets.UTF_8))
          .isEqualTo("hi");

      assertThat(ack.frame.op()).isEqualTo(Op.ACK);
      assertThat(AckBody.decode(ack.frame.body())).isEqualTo(new AckBody(7, 42, new long[] {1001}));

      assertThat(sync.frame.op()).isEqualTo(Op.SYNC);
      assertThat(SyncBody.decode(sync.frame.body())).isEqualTo(SyncBody.after(7, 40, 100));
      assertThat(SyncBody.decode(resume.frame.body()).fromCursor()).isTrue();

      assertThat(reply.frame.op()).isEqualTo(Op.SYNC_REPLY);
      assertThat(reply.frame.seq()).isEqualTo(sync.frame.seq());
      assertThat(SyncReply.decode(reply.frame.body()))
          .isEqualTo(new SyncReply(7, 41, 42, false, false));
      List<Frame> messages = SyncReply.messages(reply.frame.body(), FrameLimits.DEFAULT);
      assertThat(messages)
          .extracting(f -> MessageEnvelope.decode(f.body()))
          .containsExactly(
              new MessageEnvelope(1001, 7, 41, 1000, false),
              new MessageEnvelope(1002, 7, 42, 1000, false));
      assertThat(messages)
          .extracting(f -> MessageEnvelope.payload(f.body()).toString(StandardCharsets.UTF_8))
          .containsExactly("hi", "yo");
      messages.forEach(Frame::release);

      assertThat(notice.frame.op()).isEqualTo(Op.INBOX_NOTICE);
      assertThat(InboxNotice.decode(notice.frame.body())).isEqualTo(new InboxNotice(7, 42));
    }
  }

  /** A decoded example, checked to re-encode to exactly the documented bytes. */
  private static final class Decoded implements AutoCloseable {
    final ByteBuf bytes;
    final Frame frame;

    Decoded(ByteBuf bytes) {
      this.bytes = bytes;
      this.frame = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
      assertThat(bytes.isReadable()).as("the example is exactly one frame").isFalse();
      ByteBuf reencoded = TestFrames.encoded(frame);
      assertThat(ByteBufUtil.hexDump(reencoded))
          .isEqualTo(ByteBufUtil.hexDump(bytes, 0, bytes.writerIndex()));
      reencoded.release();
    }

    @Override
    public void close() {
      frame.release();
      bytes.release();
    }
  }

  private static Decoded decode(String name) {
    return new Decoded(hex(examples.get(name)));
  }
}
