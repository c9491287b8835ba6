package io.herald.bench.load;

import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What every benchmark message carries at the start of its body, so receivers can measure loss and
 * latency across processes: a sequence number (int64) and the send time in Unix microseconds
 * (int64), padded to the message size.
 */
public final class Payload {
  /** The bytes that carry the sequence and time; a body is at least this long. */
  public static final int HEADER = 16;

  private static final Clock CLOCK = Clock.systemUTC();

  private Payload() {}

  /** A body of {@code size} bytes (at least {@link #HEADER}) for message {@code seq}, sent now. */
  public static byte[] body(long seq, int size) {
    byte[] body = new byte[Math.max(HEADER, size)];
    long micros = nowMicros();
    for (int i = 0; i < 8; i++) {
      body[i] = (byte) (seq >>> (56 - 8 * i));
      body[8 + i] = (byte) (micros >>> (56 - 8 * i));
    }
    for (int i = HEADER; i < body.length; i++) {
      body[i] = (byte) 'x';
    }
    return body;
  }

  /** The sequence number of the body starting at {@code index}. */
  static long seq(ByteBuf buffer, int index) {
    return buffer.getLong(index);
  }

  /** The send time (Unix µs) of the body starting at {@code index}. */
  static long sentMicros(ByteBuf buffer, int index) {
    return buffer.getLong(index + 8);
  }

  /** Wall-clock now in Unix microseconds (comparable across processes on one machine). */
  public static long nowMicros() {
    Instant now = CLOCK.instant();
    return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000;
  }
}
