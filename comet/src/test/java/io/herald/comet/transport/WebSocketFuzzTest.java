package io.herald.comet.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.comet.session.TransportKind;
import io.herald.wire.fuzz.TrackingAllocator;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes a Comet's WebSocket connection as it is built for a client: the real {@link
 * WebSocketChannelInitializer} pipeline (limiter, HTTP codec, {@link WebSocketUpgrade}, then the
 * folded {@link WebSocketCodec}, the AUTH handler and, once accepted by a stand-in Logic, the
 * connection handler) fed arbitrary bytes. The first byte's low bit puts a valid upgrade request in
 * front of the rest (so the fuzzer spends its time on WebSocket frames, not on finding the
 * handshake); its other bits set the read size (1 to 509 bytes per {@code channelRead}).
 *
 * <p>What must hold for every input: no WARN or ERROR is logged (an unexpected exception is one);
 * what the server writes is an HTTP response, then, after a 101, well-formed unmasked WebSocket
 * frames (binary, pong, close) with the close frame last; a protocol error counted for the input
 * closes the connection with its documented close code (1002 bad_websocket, 1003 not_binary, 1009
 * frame_too_large, 1008 any other); never 1011; the connection is closed after a refusal; once the
 * connection is gone no session is left in the buckets or the limiter; every buffer is released.
 * Replayed from {@code WebSocketFuzzTestInputs/upgradeAndFrames}; fuzzed with {@code bench/fuzz
 * websocket}.
 */
class WebSocketFuzzTest {
  private static final TransportFixture FIXTURE = new TransportFixture();
  private static final WebSocketChannelInitializer INITIALIZER =
      new WebSocketChannelInitializer(FIXTURE.context, null);
  private static final byte[] UPGRADE =
      ("GET /sub HTTP/1.1\r\n"
              + "Host: comet.example\r\n"
              + "Upgrade: websocket\r\n"
              + "Connection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Version: 13\r\n"
              + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final List<String> WARNINGS = new ArrayList<>();

  static {
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
              var thrown = event.getThrowableProxy();
              WARNINGS.add(
                  event.getFormattedMessage()
                      + (thrown == null
                          ? ""
                          : ": " + thrown.getClassName() + " " + thrown.getMessage()));
            }
          }
        };
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
  }

  @FuzzTest
  void upgradeAndFrames(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    byte[] stream = stream(input);
    int readSize = 1 + ((input[0] & 0xFF) >>> 1) * 4;
    WARNINGS.clear();
    FIXTURE.nanoTime.addAndGet(1_000_000_000L); // the per-IP rate limit's bucket refills
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel channel = new EmbeddedChannel(false, false, INITIALIZER);
    channel.config().setAllocator(alloc);
    channel.register();
    channel.freezeTime();
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    for (int at = 0; at < stream.length && channel.isOpen(); at += readSize) {
      int end = Math.min(at + readSize, stream.length);
      channel.writeInbound(alloc.copyOf(stream, at, end));
      drain(channel, written);
    }
    boolean refused = !channel.isOpen();
    String reason = newProtocolError();
    channel.close();
    drain(channel, written);
    channel.finishAndReleaseAll();
    String atClose = newProtocolError();
    if (atClose != null) {
      throw new AssertionError("protocol error " + atClose + " counted as the server closed");
    }
    FIXTURE.logic.connects.clear();
    FIXTURE.logic.disconnects.clear();
    FIXTURE.logic.heartbeats.clear();
    FIXTURE.logic.receives.clear();
    FIXTURE.logic.joins.clear();
    FIXTURE.logic.acks.clear();
    FIXTURE.logic.syncs.clear();

    if (!WARNINGS.isEmpty()) {
      throw new AssertionError("logged: " + WARNINGS);
    }
    Integer closeCode = checkOutput(written.toByteArray());
    if (reason != null) {
      if (!refused) {
        throw new AssertionError("protocol error " + reason + " left the connection open");
      }
      if (closeCode != null && closeCode != expectedCode(reason)) {
        throw new AssertionError("protocol error " + reason + " closed with " + closeCode);
      }
    }
    if (closeCode != null
        && closeCode == 1011
        && !Integer.valueOf(1011).equals(clientClose(stream))) {
      throw new AssertionError("closed with 1011: an unexpected error");
    }
    if (FIXTURE.buckets.size() != 0
        || FIXTURE.context.connectionLimiter().openConnections(TransportKind.WS) != 0) {
      throw new AssertionError("a closed connection left state behind");
    }
    alloc.assertAllReleased();
  }

  private static byte[] stream(byte[] input) {
    if ((input[0] & 1) == 0) {
      return java.util.Arrays.copyOfRange(input, 1, input.length);
    }
    byte[] stream = new byte[UPGRADE.length + input.length - 1];
    System.arraycopy(UPGRADE, 0, stream, 0, UPGRADE.length);
    System.arraycopy(input, 1, stream, UPGRADE.length, input.length - 1);
    return stream;
  }

  /**
   * The status code of the first close frame the client sent after its upgrade request, which the
   * server's close frame echoes (RFC 6455, 5.5.1), or {@code null} if the client's frames end,
   * break or hold no close frame with a status before that.
   */
  private static Integer clientClose(byte[] stream) {
    String text = new String(stream, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\r\n\r\n");
    if (at < 0) {
      return null;
    }
    at += 4;
    while (at + 2 <= stream.length) {
      int opcode = stream[at] & 0x0F;
      int length = stream[at + 1] & 0x7F;
      int header = 2;
      if (length == 126) {
        if (at + 4 > stream.length) {
          return null;
        }
        length = ((stream[at + 2] & 0xFF) << 8) | (stream[at + 3] & 0xFF);
        header = 4;
      } else if (length == 127) {
        return null; // longer than any frame a client may send
      }
      int payload = at + header + 4;
      if ((stream[at + 1] & 0x80) == 0 || payload + length > stream.length) {
        return null;
      }
      if (opcode == 8) {
        if (length < 2) {
          return null;
        }
        int high = (stream[payload] ^ stream[payload - 4]) & 0xFF;
        int low = (stream[payload + 1] ^ stream[payload - 3]) & 0xFF;
        return (high << 8) | low;
      }
      at = payload + length;
    }
    return null;
  }

  private static void drain(EmbeddedChannel channel, ByteArrayOutputStream written) {
    channel.runPendingTasks();
    for (Object message; (message = channel.readOutbound()) != null; ) {
      try {
        if (!(message instanceof ByteBuf buf)) {
          throw new AssertionError("wrote " + message.getClass().getName() + ", not bytes");
        }
        buf.getBytes(buf.readerIndex(), written, buf.readableBytes());
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
  }

  private static final Map<String, Double> COUNTS = new HashMap<>();

  /** The reason counted since the last call ({@code null}: none); one per connection at most. */
  private static String newProtocolError() {
    String reason = null;
    for (Counter counter : FIXTURE.meters.find("herald.comet.protocol.errors").counters()) {
      String tag = counter.getId().getTag("reason");
      Double previous = COUNTS.put(tag, counter.count());
      if (counter.count() > (previous == null ? 0 : previous)) {
        if (reason != null) {
          throw new AssertionError("two protocol errors: " + reason + ", " + tag);
        }
        reason = tag;
      }
    }
    return reason;
  }

  private static int expectedCode(String reason) {
    return switch (reason) {
      case "bad_websocket" -> 1002;
      case "not_binary" -> 1003;
      case "frame_too_large" -> 1009;
      default -> 1008;
    };
  }

  /**
   * Checks what the server wrote: an HTTP response, then (after a 101) well-formed WebSocket frames
   * from a server. Returns the close frame's code, or {@code null} if none was sent.
   */
  private static Integer checkOutput(byte[] out) {
    if (out.length == 0) {
      return null;
    }
    String text = new String(out, StandardCharsets.ISO_8859_1);
    int headersEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headersEnd < 0) {
      throw new AssertionError("the server's first bytes are not an HTTP response: " + text);
    }
    int at = headersEnd + 4;
    if (!text.startsWith("HTTP/1.1 101 ")) {
      if (at != out.length && !text.startsWith("HTTP/1.1 100 ")) {
        throw new AssertionError("bytes after a refusal: " + text);
      }
      return null;
    }
    Integer closeCode = null;
    while (at < out.length) {
      if (closeCode != null) {
        throw new AssertionError("a frame after the close frame");
      }
      if (out.length - at < 2) {
        throw new AssertionError("a truncated WebSocket frame header");
      }
      int b0 = out[at] & 0xFF;
      int length7 = out[at + 1] & 0x7F;
      if ((out[at + 1] & 0x80) != 0 || (b0 & 0xF0) != 0x80) {
        throw new AssertionError(String.format("frame header %02x %02x", b0, out[at + 1]));
      }
      int header = length7 < 126 ? 2 : length7 == 126 ? 4 : 10;
      long length = length7;
      if (length7 == 126) {
        length = ((out[at + 2] & 0xFF) << 8) | (out[at + 3] & 0xFF);
      } else if (length7 == 127) {
        length = java.nio.ByteBuffer.wrap(out, at + 2, 8).getLong();
      }
      if (at + header + length > out.length) {
        throw new AssertionError("a truncated WebSocket frame");
      }
      int opcode = b0 & 0x0F;
      if (opcode == 8) {
        if (length != 2) {
          throw new AssertionError("a close frame of " + length + " bytes");
        }
        closeCode = ((out[at + header] & 0xFF) << 8) | (out[at + header + 1] & 0xFF);
      } else if (opcode != 2 && opcode != 10) {
        throw new AssertionError("the server sent opcode " + opcode);
      }
      at += header + (int) length;
    }
    return closeCode;
  }
}
