package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client does with tracked deliveries (op 26 MESSAGE, op 27 INBOX_NOTICE, op 20
 * SYNC_REPLY), so the application sees each message once and stored ones in inbox order:
 *
 * <ul>
 *   <li>Acks every delivery that asks for it, by message id, and the inbox position after each
 *       stored message handed over ({@link AckBatcher}).
 *   <li>Drops a second delivery of a message id ({@link RecentIds}, bounded).
 *   <li>Hands a stored message over only when its seq is the next of the held position's epoch; one
 *       at or below it is a duplicate, one beyond it (or of another epoch) starts a SYNC, which
 *       fetches the gap in order.
 *   <li>SYNCs after every (re)connect from the held position, on a notice of newer messages, and
 *       again while the reply says {@code more}; an empty reply (the server could not read the
 *       inbox) is retried after the reconnect policy's backoff; a reset reply is reported ({@link
 *       InboxReset}) and the client continues after the oldest seq still kept, moving past (not
 *       handing over again) a message whose id it handed over already; a reset to epoch 0 (the
 *       inbox is gone) leaves no position held.
 * </ul>
 *
 * <p>With sync off (protocol version 1 always; version 2 when the application asks) stored messages
 * are handed over as they come, deduplicated by id only, and notices are ignored. One SYNC is in
 * flight at a time; a reason to sync while one is (a notice, a gap) sends another after its reply.
 * Confined to the event loop.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  /** Where handed-over messages and resets go: the application's listener, or the chat layer. */
  interface HandOver {
    void message(Message message);

    void inboxReset(InboxReset reset);
  }

  private final boolean syncing;
  private final InboxStore store;
  private final HandOver listener;
  private final ClientScheduler timers;
  private final ReconnectPolicy backoff;
  private final DoubleSupplier random;
  private final FrameLimits limits;
  private final AckBatcher acks;
  private final RecentIds ids = new RecentIds(RecentIds.CAPACITY);
  private volatile InboxPosition position;
  private long mid;
  private boolean loaded;
  private ServerConnection connection;
  private boolean inFlight;
  private boolean again;
  private int failures;
  private int resets;
  private ClientScheduler.Cancellable retry;

  /**
   * @param syncing whether the client keeps an inbox position and SYNCs
   * @param timers timers whose tasks run on the event loop
   * @param backoff the wait before retrying a SYNC the server could not serve
   */
  Delivery(
      boolean syncing,
      InboxStore store,
      HandOver listener,
      ClientScheduler timers,
      ReconnectPolicy backoff,
      DoubleSupplier random,
      FrameLimits limits) {
    this.syncing = syncing;
    this.store = store;
    this.listener = listener;
    this.timers = timers;
    this.backoff = backoff;
    this.random = random;
    this.limits = limits;
    this.acks = new AckBatcher(timers);
  }

  /** The position held: the last stored message handed over; empty before the first. */
  Optional<InboxPosition> position() {
    return Optional.ofNullable(position);
  }

  /** Ids remembered for deduplication (tests). */
  int rememberedIds() {
    return ids.size();
  }

  /** A connection authenticated as {@code mid}: acks go to it; it SYNCs first thing. */
  void connected(ServerConnection connection, long mid) {
    this.connection = connection;
    inFlight = false;
    again = false;
    failures = 0;
    resets = 0;
    if (!loaded || mid != this.mid) {
      this.mid = mid;
      this.loaded = true;
      this.position = syncing ? store.load(mid).orElse(null) : null;
    }
    acks.attach(body -> post(connection, body));
    if (syncing) {
      sync();
    }
  }

  /** The connection is gone: nothing more is sent on it. */
  void closed(ServerConnection connection) {
    if (connection != this.connection) {
      return;
    }
    this.connection = null;
    inFlight = false;
    again = false;
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    acks.detach();
  }

  /** A pushed op-26 frame, unwrapped. */
  void pushed(MessageEnvelope head, Message message) {
    if (!accept(head, message)) {
      requestSync();
    }
  }

  /** An op-27 notice: the inbox holds messages up to its seq. */
  void notice(InboxNotice notice) {
    if (!syncing) {
      return;
    }
    InboxPosition held = position;
    if (held != null && notice.epoch() == held.epoch() && notice.latestSeq() <= held.seq()) {
      return;
    }
    requestSync();
  }

  /**
   * Acks and hands over one delivery, or drops it as a duplicate; {@code false} when it is a stored
   * message beyond the next seq (or of another epoch), which a SYNC must fetch in order.
   */
  private boolean accept(MessageEnvelope head, Message message) {
    if (head.ackRequested() && head.messageId() != 0) {
      acks.id(head.messageId());
    }
    if (!syncing || !head.stored()) {
      if (head.messageId() == 0 || ids.add(head.messageId())) {
        listener.message(message);
      } else {
        log.debug("Dropped a second delivery of message {}", head.messageId());
      }
      return true;
    }
    InboxPosition held = position;
    if (held == null || head.epoch() != held.epoch() || head.seq() > held.seq() + 1) {
      return false;
    }
    if (head.seq() <= held.seq()) {
      log.debug("Dropped stored message {} (holding {})", head.seq(), held.seq());
      return true;
    }
    moveTo(new InboxPosition(head.epoch(), head.seq()));
    if (head.messageId() == 0 || ids.add(head.messageId())) {
      listener.message(message);
    } else {
      // After a reset the inbox hands over again what the application may have had.
      log.debug(
          "Skipped stored message {}: message {} was handed over", head.seq(), head.messageId());
    }
    return true;
  }

  private void moveTo(InboxPosition next) {
    position = next;
    store.save(mid, next);
    acks.position(next);
  }

  // ---- SYNC ----

  private void requestSync() {
    if (!syncing || connection == null || retry != null) {
      return;
    }
    if (inFlight) {
      again = true;
    } else {
      sync();
    }
  }

  private void sync() {
    ServerConnection on = connection;
    if (on == null) {
      return;
    }
    InboxPosition held = position;
    SyncBody request =
        held == null ? SyncBody.after(0, 0, 0) : SyncBody.after(held.epoch(), held.seq(), 0);
    inFlight = true;
    again = false;
    ByteBuf encoded = request.encode(UnpooledByteBufAllocator.DEFAULT);
    byte[] body = ByteBufUtil.getBytes(encoded);
    encoded.release();
    var unused =
        on.request(Op.SYNC, body, Op.SYNC_REPLY)
            .whenComplete(
                (reply, error) -> {
                  if (on != connection) {
                    return; // closed meanwhile: the next connection syncs
                  }
                  inFlight = false;
                  if (error != null) {
                    failed(error);
                  } else {
                    replied(request, reply.body());
                  }
                });
  }

  private void failed(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      log.info("SYNC unanswered: {}; retrying", cause.getMessage());
      retryLater();
    }
    // Otherwise the connection is closing; the next one syncs.
  }

  private void replied(SyncBody request, byte[] body) {
    if (body.length == 0) {
      log.info("The server could not sync the inbox now; retrying");
      retryLater();
      return;
    }
    ByteBuf reply = Unpooled.wrappedBuffer(body);
    SyncReply head;
    List<Frame> frames;
    try {
      head = SyncReply.decode(reply);
      frames = head.reset() ? List.of() : SyncReply.messages(reply, limits);
    } catch (RuntimeException e) {
      log.warn("Bad SYNC_REPLY ({}); retrying", e.getMessage());
      retryLater();
      return;
    }
    failures = 0;
    if (head.reset()) {
      reset(head);
      return;
    }
    resets = 0;
    if (request.epoch() == 0 && position == null && head.epoch() > 0) {
      // A first sync: the inbox begins at its oldest message kept.
      moveTo(new InboxPosition(head.epoch(), Math.max(request.afterSeq(), head.oldestSeq() - 1)));
    }
    InboxPosition before = position;
    try {
      for (Frame frame : frames) {
        if (frame.op() == Op.MESSAGE) {
          MessageEnvelope envelope = MessageEnvelope.decode(frame.body());
          accept(envelope, Message.unwrap(frame, envelope));
        }
      }
    } catch (RuntimeException e) {
      log.warn("Bad message in a SYNC_REPLY ({}); retrying", e.getMessage());
      retryLater();
      return;
    } finally {
      frames.forEach(Frame::release);
    }
    if (head.more() && Objects.equals(position, before)) {
      retryLater(); // more, yet nothing new: do not spin
    } else if (head.more() || again) {
      sync();
    }
  }

  private void reset(SyncReply head) {
    InboxPosition old = position;
    InboxReset reset =
        new InboxReset(
            old == null ? 0 : old.epoch(),
            old == null ? 0 : old.seq(),
            head.epoch(),
            head.oldestSeq(),
            head.latestSeq());
    if (++resets > 2) {
      log.warn("SYNC reset again ({}); retrying later", reset);
      retryLater();
      return;
    }
    log.info("Inbox reset: {}", reset);
    if (head.epoch() <= 0) {
      // The inbox is gone and none was made since: nothing is held; the next stored message (of a
      // new epoch) starts a first sync, from 0.
      if (old == null) {
        return;
      }
      position = null;
      store.clear(mid);
    } else {
      moveTo(new InboxPosition(head.epoch(), Math.max(0, head.oldestSeq() - 1)));
    }
    listener.inboxReset(reset);
    sync();
  }

  private void retryLater() {
    ServerConnection on = connection;
    if (on == null) {
      return;
    }
    failures++;
    retry =
        timers.schedule(
            () -> {
              retry = null;
              if (on == connection) {
                sync();
              }
            },
            backoff.delay(failures, random.getAsDouble()));
  }

  private static void post(ServerConnection connection, AckBody body) {
    ByteBuf encoded = body.encode(UnpooledByteBufAllocator.DEFAULT);
    byte[] bytes = ByteBufUtil.getBytes(encoded);
    encoded.release();
    var unused =
        connection
            .post(Op.ACK, bytes)
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    log.debug("ACK not sent: {}", error.toString());
                  }
                });
  }
}
