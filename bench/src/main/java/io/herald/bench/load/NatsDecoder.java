package io.herald.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a NATS server sends a subscriber (its text protocol, <a
 * href="https://docs.nats.io/reference/reference-protocols/nats-protocol">NATS protocol</a>):
 * {@code INFO {...}}, {@code MSG <subject> <sid> [reply-to] <bytes>} followed by the payload,
 * {@code PING}, {@code PONG}, {@code +OK}, {@code -ERR <message>}, each line ended by CRLF. A
 * {@code MSG} becomes a {@link Msg} holding a retained slice of its payload; the other lines become
 * {@link Control} values or an {@link Err}. Not {@code @Sharable}.
 */
public final class NatsDecoder extends ByteToMessageDecoder {
  /** The longest protocol line taken (an INFO line is a few hundred bytes). */
  static final int MAX_LINE = 64 * 1024;

  /** A message's payload (a retained slice: release it). */
  public record Msg(ByteBuf payload) {}

  /** An {@code -ERR} line's text. */
  public record Err(String message) {}

  /** The lines without a payload. */
  public enum Control {
    INFO,
    PING,
    PONG,
    OK
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      decodeLines(in, out);
    } catch (CorruptedFrameException | TooLongFrameException e) {
      in.skipBytes(in.readableBytes()); // nothing after a protocol error is read
      throw e;
    }
  }

  private static void decodeLines(ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
      if (lf < 0) {
        if (in.readableBytes() > MAX_LINE) {
          throw new TooLongFrameException("NATS line over " + MAX_LINE + " bytes");
        }
        return;
      }
      if (lf == start || in.getByte(lf - 1) != '\r') {
        throw new CorruptedFrameException("NATS line not ended by CRLF");
      }
      int lineEnd = lf - 1; // the CR
      if (startsWith(in, start, lineEnd, "MSG ")) {
        int length = trailingNumber(in, start, lineEnd);
        int payload = lf + 1;
        if (in.writerIndex() - payload < length + 2) {
          return; // the payload and its CRLF have not all arrived
        }
        if (in.getByte(payload + length) != '\r' || in.getByte(payload + length + 1) != '\n') {
          throw new CorruptedFrameException("NATS MSG payload not followed by CRLF");
        }
        out.add(new Msg(in.retainedSlice(payload, length)));
        in.readerIndex(payload + length + 2);
        continue;
      }
      in.readerIndex(lf + 1);
      if (startsWith(in, start, lineEnd, "PING")) {
        out.add(Control.PING);
      } else if (startsWith(in, start, lineEnd, "PONG")) {
        out.add(Control.PONG);
      } else if (startsWith(in, start, lineEnd, "+OK")) {
        out.add(Control.OK);
      } else if (startsWith(in, start, lineEnd, "INFO")) {
        out.add(Control.INFO);
      } else if (startsWith(in, start, lineEnd, "-ERR")) {
        out.add(new Err(in.toString(start, lineEnd - start, StandardCharsets.US_ASCII).strip()));
      } else {
        throw new CorruptedFrameException(
            "unknown NATS line: " + in.toString(start, lineEnd - start, StandardCharsets.US_ASCII));
      }
    }
  }

  private static boolean startsWith(ByteBuf in, int start, int end, String word) {
    if (end - start < word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toUpperCase(in.getByte(start + i)) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The byte count that ends a MSG line: its last space-separated field. */
  private static int trailingNumber(ByteBuf in, int start, int end) {
    int i = end;
    long value = 0;
    long scale = 1;
    while (i > start && in.getByte(i - 1) >= '0' && in.getByte(i - 1) <= '9') {
      i--;
      value += (in.getByte(i) - '0') * scale;
      scale *= 10;
      if (value > Integer.MAX_VALUE) {
        throw new CorruptedFrameException("NATS MSG length too large");
      }
    }
    if (i == end || in.getByte(i - 1) != ' ') {
      throw new CorruptedFrameException(
          "NATS MSG line without a length: "
              + in.toString(start, end - start, StandardCharsets.US_ASCII));
    }
    return (int) value;
  }
}
