package io.herald.testkit.wire;

import io.herald.wire.Frame;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * A frame a {@link WireClient} received, copied out of its buffer.
 *
 * @param version the protocol version the frame came in
 * @param batched whether it arrived inside an op-9 batch of several frames
 * @param arrivedNanos {@link System#nanoTime()} at arrival
 */
@SuppressWarnings("ArrayRecordComponent") // a test's copy, never changed
public record Received(
    ProtocolVersion version, int op, int seq, byte[] body, boolean batched, long arrivedNanos) {

  static Received of(Frame frame, boolean batched, long arrivedNanos) {
    return new Received(
        frame.version(),
        frame.op(),
        frame.seq(),
        ByteBufUtil.getBytes(frame.body()),
        batched,
        arrivedNanos);
  }

  /** The body as UTF-8. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body's first four bytes as a big-endian int (a HEARTBEAT_REPLY's online count). */
  public int bodyInt() {
    return ((body[0] & 0xff) << 24)
        | ((body[1] & 0xff) << 16)
        | ((body[2] & 0xff) << 8)
        | (body[3] & 0xff);
  }

  @Override
  public String toString() {
    return "Received[" + version + " op " + op + " seq " + seq + " '" + text() + "']";
  }
}
