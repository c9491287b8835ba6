package io.herald.comet.push;

import io.herald.comet.config.CometConfig;
import io.herald.comet.push.WriteMetrics.DropReason;
import io.herald.comet.push.WriteMetrics.Kind;
import io.herald.comet.session.Connection;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Acked and stored deliveries to version 2 connections (docs/delivery.md); version 1 connections
 * and best-effort messages never come here (the {@link Pusher} writes them plain).
 *
 * <ul>
 *   <li>A stored message with notify becomes an op-27 INBOX_NOTICE (epoch, newest seq); so does one
 *       arriving while a connection that has sent a SYNC (ever, on this connection: a client that
 *       pulls) has more than {@code delivery.notifyAbove} stored messages not covered by the seq it
 *       acked. A client that never SYNCs cannot act on a notice for a backlog: it gets every stored
 *       message as a frame, and nothing is held for its backlog. At most one notice per connection
 *       per {@code delivery.noticeDelay}; a burst becomes the first notice and one more with the
 *       newest seq.
 *   <li>Otherwise an op-26 MESSAGE frame (id, epoch, seq, op, ack flag) around the body.
 *   <li>An acked one is kept until the client acks its id (op 18): resent after {@code
 *       ack.initialDelay}, doubling up to {@code ack.maxDelay}, at most {@code ack.maxAttempts}
 *       sends in all; a connection holds at most {@code ack.window}, one more gives up the oldest.
 *       Kept only while the connection lives: the inbox is what survives. An acked and stored
 *       message that goes out as a notice is not kept (the client pulls it from the inbox, which
 *       keeps it): counted as {@code noticed}.
 * </ul>
 *
 * <p>A connection's {@link DeliveryState} exists only while it has something pending and is
 * released when the connection closes; everything happens on the connection's event loop, with its
 * timers (no thread of its own). Delivery is best effort at the write: a frame that finds the
 * connection unwritable is dropped and counted ({@code herald.comet.push.dropped}); an acked one is
 * sent again at its next resend, and a stored one is followed by a notice of its seq in the next
 * notice slot that finds room (a notice waits for room rather than being dropped), so the client
 * pulls what it missed even when nothing else comes after it.
 *
 * <p>Metrics: {@code
 * herald.comet.acks{result=acked|given_up_attempts|given_up_window|closed|noticed}}, {@code
 * herald.comet.acks.resends}, {@code herald.comet.acks.pending} (gauge), {@code
 * herald.comet.inbox.notices}, {@code herald.comet.delivery.connections} (gauge: connections with
 * delivery state).
 */
public final class Deliveries {
  private final int notifyAbove;
  private final long noticeDelayNanos;
  private final long initialDelayNanos;
  private final long maxDelayNanos;
  private final int maxAttempts;
  private final int window;
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final Map<Connection, DeliveryState> states = new ConcurrentHashMap<>();
  private final WriteMetrics writes;
  private final AckMetrics metrics;

  public Deliveries(CometConfig.Delivery config, MeterRegistry meters) {
    this.notifyAbove = config.notifyAbove();
    this.noticeDelayNanos = config.noticeDelay().toNanos();
    this.initialDelayNanos = config.ack().initialDelay().toNanos();
    this.maxDelayNanos = config.ack().maxDelay().toNanos();
    this.maxAttempts = config.ack().maxAttempts();
    this.window = config.ack().window();
    this.writes = new WriteMetrics(meters);
    this.metrics = new AckMetrics(meters, states);
  }

  /** Acked messages awaiting their ack, on every connection. */
  public long pending() {
    return metrics.pending();
  }

  /** Connections holding delivery state. */
  public int connections() {
    return states.size();
  }

  /** Delivers {@code delivery} to a version 2 {@code connection}; safe from any thread. */
  void deliver(Connection connection, Delivery delivery) {
    EventLoop loop = connection.channel().eventLoop();
    if (loop.inEventLoop()) {
      deliverOnLoop(connection, delivery);
      return;
    }
    try {
      loop.execute(() -> deliverOnLoop(connection, delivery));
    } catch (RejectedExecutionException e) {
      writes.dropped(DropReason.STOPPED, 1);
    }
  }

  private void deliverOnLoop(Connection connection, Delivery delivery) {
    if (!connection.channel().isActive()) {
      writes.dropped(DropReason.CLOSED, 1);
      return;
    }
    DeliveryState state = states.get(connection);
    if (delivery.stored()) {
      boolean backlog = false;
      if (connection.pulls()) {
        backlog =
            state != null && state.epoch == delivery.epoch() && state.storedBacklog() > notifyAbove;
        state = state(connection, state);
        state.sentStored(delivery.epoch(), delivery.seq());
      }
      if (delivery.notice() || backlog) {
        state = state(connection, state);
        if (delivery.requireAck()) {
          metrics.noticed(); // not tracked: the inbox keeps it, the client pulls it
        }
        notice(connection, state, delivery.epoch(), delivery.seq());
        return;
      }
    }
    if (delivery.requireAck()) {
      state = state(connection, state);
      track(connection, state, delivery);
    }
    if (send(connection, delivery)) {
      writes.pushed(Kind.KEYS, 1);
    }
    if (state != null) {
      dropIfIdle(connection, state);
    }
  }

  private DeliveryState state(Connection connection, DeliveryState state) {
    return state != null ? state : states.computeIfAbsent(connection, c -> new DeliveryState());
  }

  private void track(Connection connection, DeliveryState state, Delivery delivery) {
    Long id = delivery.messageId();
    DeliveryState.Pending pending = state.pending.get(id);
    if (pending == null) {
      if (state.pending.size() >= window) {
        Iterator<DeliveryState.Pending> oldest = state.pending.values().iterator();
        oldest.next();
        oldest.remove();
        metrics.givenUpForWindow();
      }
      pending = new DeliveryState.Pending(delivery);
      state.pending.put(id, pending);
      metrics.tracked();
    }
    // A second push of the same id (Job replaying a record) restarts its attempts.
    pending.attempts = 1;
    pending.nextAt = now(connection) + initialDelayNanos;
    schedule(connection, state, pending.nextAt);
  }

  /** Writes {@code delivery} as an op-26 frame; false if it found the connection unwritable. */
  private boolean send(Connection connection, Delivery delivery) {
    Channel channel = connection.channel();
    if (!channel.isActive()) {
      writes.dropped(DropReason.CLOSED, 1);
      return false;
    }
    if (!connection.hasRoom()) {
      writes.dropped(DropReason.UNWRITABLE, 1);
      if (delivery.stored()) {
        noticeLater(connection, delivery.epoch(), delivery.seq());
      }
      return false;
    }
    MessageEnvelope envelope =
        new MessageEnvelope(
            delivery.messageId(),
            delivery.epoch(),
            delivery.seq(),
            delivery.op(),
            delivery.requireAck());
    ByteBuf body = Unpooled.wrappedBuffer(delivery.body().asReadOnlyByteBuffer());
    Frame frame;
    try {
      frame = envelope.frame(alloc, connection.version(), body);
    } finally {
      body.release();
    }
    ChannelFuture unused = channel.writeAndFlush(frame);
    return true;
  }

  private void schedule(Connection connection, DeliveryState state, long at) {
    if (state.resendTimer != null) {
      if (state.resendAt <= at) {
        return;
      }
      state.resendTimer.cancel(false);
    }
    state.resendAt = at;
    long delay = Math.max(0, at - now(connection));
    state.resendTimer =
        connection
            .channel()
            .eventLoop()
            .schedule(() -> resendDue(connection, state), delay, TimeUnit.NANOSECONDS);
  }

  private void resendDue(Connection connection, DeliveryState state) {
    state.resendTimer = null;
    if (states.get(connection) != state) {
      return; // closed meanwhile
    }
    long now = now(connection);
    long next = Long.MAX_VALUE;
    Iterator<DeliveryState.Pending> it = state.pending.values().iterator();
    while (it.hasNext()) {
      DeliveryState.Pending pending = it.next();
      if (pending.nextAt > now) {
        next = Math.min(next, pending.nextAt);
        continue;
      }
      if (pending.attempts >= maxAttempts) {
        it.remove();
        metrics.givenUpAfterAttempts();
        continue;
      }
      pending.attempts++;
      pending.nextAt = now + delay(pending.attempts);
      next = Math.min(next, pending.nextAt);
      metrics.resent();
      send(connection, pending.delivery);
    }
    if (next != Long.MAX_VALUE) {
      schedule(connection, state, next);
    } else {
      dropIfIdle(connection, state);
    }
  }

  /** The wait after send number {@code attempts}: initial × 2^(attempts - 1), capped. */
  private long delay(int attempts) {
    int doublings = Math.min(attempts - 1, 30);
    long delay = initialDelayNanos << doublings;
    return delay <= 0 || delay > maxDelayNanos ? maxDelayNanos : delay;
  }

  private void notice(Connection connection, DeliveryState state, long epoch, long seq) {
    awaitNotice(state, epoch, seq);
    if (state.noticeTimer == null) {
      sendNotice(connection, state);
    }
  }

  /**
   * A stored frame found no room on {@code connection}: a notice of its seq follows in the next
   * notice slot ({@code noticeDelay} away at the earliest) that finds room, so a client that missed
   * it, and perhaps nothing after it, pulls it once it reads again.
   */
  private void noticeLater(Connection connection, long epoch, long seq) {
    DeliveryState state = state(connection, states.get(connection));
    awaitNotice(state, epoch, seq);
    if (state.noticeTimer == null) {
      nextNoticeSlot(connection, state);
    }
  }

  private static void awaitNotice(DeliveryState state, long epoch, long seq) {
    if (epoch != state.noticeEpoch || seq > state.noticeSeq) {
      state.noticeEpoch = epoch;
      state.noticeSeq = seq;
    }
  }

  /**
   * Sends the waiting notice and keeps the next one at least {@code noticeDelay} away. One that
   * finds no room waits for the next slot; the slow-consumer policy closes a connection that stays
   * without room, which ends the wait.
   */
  private void sendNotice(Connection connection, DeliveryState state) {
    Channel channel = connection.channel();
    if (!channel.isActive()) {
      writes.dropped(DropReason.CLOSED, 1);
      state.noticeSeq = 0;
    } else if (connection.hasRoom()) {
      InboxNotice notice = new InboxNotice(state.noticeEpoch, state.noticeSeq);
      ChannelFuture unused =
          channel.writeAndFlush(
              new Frame(connection.version(), Op.INBOX_NOTICE, 0, notice.encode(alloc)));
      metrics.noticeSent();
      state.noticeSeq = 0;
    }
    nextNoticeSlot(connection, state);
  }

  private void nextNoticeSlot(Connection connection, DeliveryState state) {
    state.noticeTimer =
        connection
            .channel()
            .eventLoop()
            .schedule(() -> noticeSlot(connection, state), noticeDelayNanos, TimeUnit.NANOSECONDS);
  }

  private void noticeSlot(Connection connection, DeliveryState state) {
    state.noticeTimer = null;
    if (states.get(connection) != state) {
      return;
    }
    if (state.noticeSeq != 0) {
      sendNotice(connection, state);
    } else {
      dropIfIdle(connection, state);
    }
  }

  /**
   * An op-18 ACK from {@code connection} (on its event loop): its ids are no longer resent, and a
   * seq counts as held for the notice threshold.
   */
  public void acked(Connection connection, long epoch, long seq, long[] messageIds) {
    DeliveryState state = states.get(connection);
    if (state == null) {
      return;
    }
    for (long id : messageIds) {
      if (state.pending.remove(id) != null) {
        metrics.acked();
      }
    }
    if (seq > 0) {
      state.ackedSeq(epoch, seq);
    }
    if (state.pending.isEmpty() && state.resendTimer != null) {
      state.resendTimer.cancel(false);
      state.resendTimer = null;
    }
    dropIfIdle(connection, state);
  }

  /**
   * Marks a SYNC in flight on {@code connection} (on its event loop), and the connection as one
   * that pulls from then on.
   *
   * @return false if one already is
   */
  public boolean startSync(Connection connection) {
    connection.pulled();
    DeliveryState state = state(connection, states.get(connection));
    if (state.syncInFlight) {
      return false;
    }
    state.syncInFlight = true;
    return true;
  }

  /** The SYNC in flight on {@code connection} was answered (on its event loop). */
  public void syncDone(Connection connection) {
    DeliveryState state = states.get(connection);
    if (state != null) {
      state.syncInFlight = false;
      dropIfIdle(connection, state);
    }
  }

  /** {@code connection} closed (on its event loop): what it had pending is given up. */
  public void closed(Connection connection) {
    DeliveryState state = states.remove(connection);
    if (state == null) {
      return;
    }
    int pending = state.pending.size();
    if (pending > 0) {
      metrics.closed(pending);
    }
    state.pending.clear();
    if (state.resendTimer != null) {
      state.resendTimer.cancel(false);
      state.resendTimer = null;
    }
    if (state.noticeTimer != null) {
      state.noticeTimer.cancel(false);
      state.noticeTimer = null;
    }
  }

  private void dropIfIdle(Connection connection, DeliveryState state) {
    if (state.idle()) {
      states.remove(connection, state);
    }
  }

  private static long now(Connection connection) {
    return connection.channel().eventLoop().ticker().nanoTime();
  }
}
