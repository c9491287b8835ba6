package io.herald.bench.scenario;

import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;

/**
 * One device of a user with a full inbox catching up: a protocol version 2 TCP client that
 * authenticates, sends SYNC (op 19) from the start of the inbox and again after the last seq it
 * holds while the SYNC_REPLY (op 20) says {@code more}, and checks what it gets: every message of
 * seq 1..N exactly once and in order, in one epoch, each body the one pushed as that seq (its first
 * eight bytes), nothing outside the replies. Anything else fails the run.
 */
public final class InboxSync {
  /** A SYNC_REPLY of many messages is larger than the Comet's default frame limit. */
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);

  /** Frame seqs of the SYNCs start here, clear of the client's own (AUTH's). */
  private static final int FIRST_SEQ = 1_000;

  private InboxSync() {}

  /**
   * How one catch-up went.
   *
   * @param nanos from the first SYNC sent to the arrival of the reply holding the last message
   * @param roundTrips SYNCs sent
   */
  public record Outcome(long nanos, int roundTrips) {}

  /**
   * Connects to the Comet on {@code port} as a fresh device of {@code mid} and pulls its {@code
   * missed} messages (seq 1..missed, business op {@code op}), {@code limit} per SYNC (0: the
   * server's default).
   *
   * @throws IllegalStateException if a message is missing, repeated, out of order or not the one
   *     pushed, if the server answered a reset or "could not sync now", or a reply took longer than
   *     {@code timeout}
   */
  static Outcome pullAll(int port, long mid, long missed, int limit, int op, Duration timeout) {
    try (WireClient device = WireClient.tcp(port, ProtocolVersion.V2)) {
      device.auth(mid, "", "");
      long epoch = 0;
      long held = 0;
      int seq = FIRST_SEQ;
      int roundTrips = 0;
      long start = System.nanoTime();
      long last;
      boolean more;
      do {
        int wanted = ++seq;
        send(device, wanted, SyncBody.after(epoch, held, limit));
        Received reply =
            device.await(
                frame -> frame.op() == Op.SYNC_REPLY && frame.seq() == wanted,
                timeout,
                "SYNC_REPLY to SYNC " + wanted + " of mid " + mid + " after seq " + held);
        roundTrips++;
        last = reply.arrivedNanos();
        if (reply.body().length == 0) {
          throw fail(
              mid, "the SYNC after seq " + held + " was answered empty (could not sync now)");
        }
        ByteBuf body = Unpooled.wrappedBuffer(reply.body());
        SyncReply head = SyncReply.decode(body);
        if (head.reset()) {
          throw fail(mid, "the SYNC after seq " + held + " of epoch " + epoch + " got " + head);
        }
        if (epoch != 0 && head.epoch() != epoch) {
          throw fail(mid, "the epoch changed from " + epoch + " to " + head.epoch());
        }
        epoch = head.epoch();
        List<Frame> messages = SyncReply.messages(body, LIMITS);
        try {
          if (messages.isEmpty() && head.more()) {
            throw fail(mid, "a reply without messages says more: " + head);
          }
          for (Frame message : messages) {
            held = check(mid, message, epoch, held, missed, op);
          }
        } finally {
          messages.forEach(Frame::release);
        }
        more = head.more();
      } while (more);
      if (held != missed) {
        throw fail(mid, "the last reply says no more after seq " + held + " of " + missed);
      }
      for (Received frame : device.frames()) {
        if (frame.op() == Op.MESSAGE
            || frame.op() == Op.INBOX_NOTICE
            || Op.isBusiness(frame.op())) {
          throw fail(mid, "a frame outside the SYNC replies: " + frame);
        }
      }
      return new Outcome(last - start, roundTrips);
    }
  }

  /** Checks that {@code frame} is the message of seq {@code held + 1}; returns that seq. */
  private static long check(long mid, Frame frame, long epoch, long held, long missed, int op) {
    if (frame.op() != Op.MESSAGE || frame.version() != ProtocolVersion.V2) {
      throw fail(mid, "a reply holds " + frame + " (expected: op-26 frames in version 2)");
    }
    MessageEnvelope envelope = MessageEnvelope.decode(frame.body());
    long expected = held + 1;
    if (envelope.seq() != expected || envelope.epoch() != epoch || expected > missed) {
      throw fail(
          mid,
          "got seq "
              + envelope.seq()
              + " of epoch "
              + envelope.epoch()
              + " after seq "
              + held
              + " of epoch "
              + epoch
              + " (expected: seq "
              + expected
              + ", at most "
              + missed
              + ")");
    }
    ByteBuf payload = MessageEnvelope.payload(frame.body());
    long pushedAs = payload.readableBytes() >= 8 ? payload.getLong(payload.readerIndex()) : -1;
    if (envelope.op() != op || pushedAs != expected) {
      throw fail(
          mid,
          "seq "
              + expected
              + " holds op "
              + envelope.op()
              + " and the body of message "
              + pushedAs
              + " (expected: op "
              + op
              + ", message "
              + expected
              + ")");
    }
    return expected;
  }

  private static void send(WireClient device, int seq, SyncBody sync) {
    ByteBuf body = sync.encode(ByteBufAllocator.DEFAULT);
    try {
      device.send(Op.SYNC, seq, ByteBufUtil.getBytes(body));
    } finally {
      body.release();
    }
  }

  private static IllegalStateException fail(long mid, String what) {
    return new IllegalStateException("sync of mid " + mid + ": " + what);
  }
}
