package io.herald.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The NATS text protocol as a subscriber reads it. */
class NatsDecoderTest {
  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  private static String payload(Object message) {
    ByteBuf payload = ((NatsDecoder.Msg) message).payload();
    try {
      return payload.toString(StandardCharsets.ISO_8859_1);
    } finally {
      payload.release();
    }
  }

  @Test
  void readsControlLinesAndAMessage() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    channel.writeInbound(
        ascii("INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n+OK\r\nPING\r\nPONG\r\n"));
    channel.writeInbound(ascii("MSG bench 1 5\r\nhello\r\n"));

    assertThat((Object) channel.readInbound()).isEqualTo(NatsDecoder.Control.INFO);
    assertThat((Object) channel.readInbound()).isEqualTo(NatsDecoder.Control.OK);
    assertThat((Object) channel.readInbound()).isEqualTo(NatsDecoder.Control.PING);
    assertThat((Object) channel.readInbound()).isEqualTo(NatsDecoder.Control.PONG);
    assertThat(payload(channel.readInbound())).isEqualTo("hello");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aPayloadMayHoldCrLfAndAnyByteAndAReplySubjectMayBeNamed() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    channel.writeInbound(ascii("MSG bench 1 _INBOX.abc 6\r\na\r\n\u0000\u00ffb\r\n"));

    assertThat(payload(channel.readInbound())).isEqualTo("a\r\n\u0000\u00ffb");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void oneByteAtATime() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());
    String stream = "PING\r\nMSG bench 1 3\r\nabc\r\nMSG bench 1 0\r\n\r\n";

    for (byte b : stream.getBytes(StandardCharsets.ISO_8859_1)) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }

    assertThat((Object) channel.readInbound()).isEqualTo(NatsDecoder.Control.PING);
    assertThat(payload(channel.readInbound())).isEqualTo("abc");
    assertThat(payload(channel.readInbound())).isEmpty();
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anErrorLineKeepsItsText() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    channel.writeInbound(ascii("-ERR 'Slow Consumer'\r\n"));

    assertThat((Object) channel.readInbound())
        .isEqualTo(new NatsDecoder.Err("-ERR 'Slow Consumer'"));
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aPayloadNotFollowedByCrLfIsRefused() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    assertThatThrownBy(() -> channel.writeInbound(ascii("MSG bench 1 2\r\nabcd\r\n")))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("not followed by CRLF");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aMessageLineWithoutALengthIsRefused() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    assertThatThrownBy(() -> channel.writeInbound(ascii("MSG bench\r\n")))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("without a length");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anUnknownLineIsRefused() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    assertThatThrownBy(() -> channel.writeInbound(ascii("HELLO\r\n")))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("unknown NATS line: HELLO");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aLineWithoutEndPastTheLimitIsRefused() {
    EmbeddedChannel channel = new EmbeddedChannel(new NatsDecoder());

    assertThatThrownBy(
            () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[NatsDecoder.MAX_LINE + 1])))
        .isInstanceOf(TooLongFrameException.class);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
