package io.herald.comet.push;

import java.util.LinkedHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * What one connection has pending in delivery: acked messages awaiting their ack, the inbox notice
 * waiting for its slot, the stored messages sent but not yet covered by an acked seq, a SYNC in
 * flight. Created when a connection first has something pending and dropped when it has nothing
 * again, so an idle connection holds none (it lives in {@link Deliveries}' map, not in the
 * connection). Touched only on the connection's event loop.
 */
final class DeliveryState {
  /** One acked message awaiting its ack. */
  static final class Pending {
    final Delivery delivery;
    int attempts;
    long nextAt;

    Pending(Delivery delivery) {
      this.delivery = delivery;
    }
  }

  /** Message id → pending, oldest first (the window gives up the oldest). */
  final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();

  ScheduledFuture<?> resendTimer;
  long resendAt;

  /** The inbox epoch of the stored messages tracked below; 0 = none yet. */
  long epoch;

  /** The first stored seq sent in {@link #epoch}, and the newest. */
  long firstSeq;

  long latestSeq;

  /** The highest seq the client acked in {@link #epoch}. */
  long ackedSeq;

  /** A notice to send (its newest seq), 0 = none. */
  long noticeEpoch;

  long noticeSeq;

  /** Running while notices are spaced: it sends the waiting one, if any, when it fires. */
  ScheduledFuture<?> noticeTimer;

  boolean syncInFlight;

  /** Stored messages sent in {@link #epoch} and not covered by the client's acked seq. */
  long storedBacklog() {
    if (epoch == 0) {
      return 0;
    }
    return Math.max(0, latestSeq - Math.max(ackedSeq, firstSeq - 1));
  }

  /** Records that stored message {@code seq} of {@code epoch} went out (as a frame or a notice). */
  void sentStored(long epoch, long seq) {
    if (epoch != this.epoch) {
      this.epoch = epoch;
      this.firstSeq = seq;
      this.latestSeq = seq;
      this.ackedSeq = 0;
      return;
    }
    latestSeq = Math.max(latestSeq, seq);
    firstSeq = Math.min(firstSeq, seq);
  }

  /** The client holds everything up to {@code seq} of {@code epoch}. */
  void ackedSeq(long epoch, long seq) {
    if (epoch == this.epoch) {
      ackedSeq = Math.max(ackedSeq, seq);
    }
  }

  /** Whether nothing is pending any more: the state can go. */
  boolean idle() {
    return pending.isEmpty()
        && resendTimer == null
        && noticeTimer == null
        && noticeSeq == 0
        && !syncInFlight
        && storedBacklog() == 0;
  }
}
