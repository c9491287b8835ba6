package io.herald.logic.push;

import com.google.protobuf.ByteString;
import io.herald.logic.Failures;
import io.herald.logic.ids.MessageIds;
import io.herald.logic.ids.MessageIdsUnavailableException;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxEntry;
import io.herald.logic.inbox.InboxPosition;
import io.herald.logic.queue.PushQueue;
import io.herald.logic.room.RoomRoutes;
import io.herald.logic.session.Session;
import io.herald.logic.session.SessionStore;
import io.herald.ops.tracing.PushAttributes;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.wire.Op;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Accepts pushes: checks them, gives each a message id, resolves keys and mids to the Comets that
 * hold them, and publishes one record per target Comet (one for a room or a broadcast).
 *
 * <p><b>Delivery guarantee.</b> A returned future completes normally only after the queue
 * acknowledged <em>every</em> record of the push; then Job delivers them at least once. It fails
 * with {@link InvalidPushException} for a bad request (nothing queued), with {@link
 * PushUnavailableException} and nothing queued when no message id could be had ({@link
 * MessageIdsUnavailableException}), and with {@link PushUnavailableException} when the session
 * store or the queue failed (some records of the push may have been queued: a retry delivers those
 * again, and clients drop duplicates by message id). Keys and mids with no session are reported
 * offline and nothing is queued for them. Nothing is dropped silently.
 *
 * <p><b>Stored pushes</b> ({@link Delivery#store()}): the message is appended to each target user's
 * inbox (in parallel) before any record is published, so a push that answers is in every inbox; if
 * an append fails the push fails with {@link PushUnavailableException} ({@code inbox: ...}) and
 * nothing is published, while the appends that succeeded stay (a retry stores it there again, under
 * a new message id and seq). Then one record per (user, Comet) is published, naming the user and
 * the message's epoch and seq in that user's inbox.
 *
 * <p><b>Tracing.</b> A push belongs to the trace context current when its method is called (the
 * push API's span): the span gets what the push became (type, op, message id, records), and every
 * record carries the context to Job ({@link PushQueue#publish(PushMsg, Context)}).
 */
public final class PushService {
  private final SessionStore sessions;
  private final Inbox inbox;
  private final RoomRoutes roomRoutes;
  private final PushQueue queue;
  private final MessageIds ids;
  private final RequestChecks checks;
  private final Clock clock;

  public PushService(
      SessionStore sessions,
      Inbox inbox,
      RoomRoutes roomRoutes,
      PushQueue queue,
      MessageIds ids,
      PushConfig.Api api,
      Clock clock) {
    this.sessions = sessions;
    this.inbox = inbox;
    this.roomRoutes = roomRoutes;
    this.queue = queue;
    this.ids = ids;
    this.checks = new RequestChecks(api);
    this.clock = clock;
  }

  /** Pushes to device keys, best effort. */
  public CompletableFuture<PushResult> pushKeys(int op, Collection<String> keys, ByteString body) {
    return pushKeys(op, keys, body, Delivery.BEST_EFFORT);
  }

  /**
   * Pushes to device keys. With {@code delivery.store()}, the message is appended to the inbox of
   * each user the keys' sessions belong to before any record is published, and each record names
   * one user; keys without a session, and keys of anonymous connections (mid 0, which have no
   * inbox), are offline: nothing is stored or pushed for them.
   */
  public CompletableFuture<PushResult> pushKeys(
      int op, Collection<String> keys, ByteString body, Delivery delivery) {
    return accept(
        trace -> {
          Set<String> targets = checks.keys(keys);
          PushMsg template = template(PushType.PUSH_TYPE_KEYS, op, body, delivery);
          return resolve(() -> sessions.sessionsOfKeys(targets))
              .thenCompose(
                  live -> {
                    List<String> offline = new ArrayList<>(targets);
                    offline.removeAll(live.keySet());
                    if (!delivery.store()) {
                      return publish(
                          PushRecords.byServer(template, targets, live),
                          new PushResult(template.getMessageId(), offline, List.of()),
                          trace);
                    }
                    Map<Long, List<Session>> users = PushRecords.usersOfKeys(targets, live);
                    // Anonymous connections have no inbox: not stored, not pushed, offline.
                    users.keySet().removeIf(mid -> !Inbox.isUser(mid));
                    List<String> notStored =
                        targets.stream()
                            .filter(
                                key -> {
                                  Session session = live.get(key);
                                  return session == null || !Inbox.isUser(session.mid());
                                })
                            .toList();
                    return store(template, users.keySet())
                        .thenCompose(
                            positions ->
                                publish(
                                    PushRecords.stored(template, users, positions),
                                    new PushResult(
                                        template.getMessageId(),
                                        notStored,
                                        List.of(),
                                        stored(positions)),
                                    trace));
                  });
        });
  }

  /** Pushes to every connected device of each user, best effort. */
  public CompletableFuture<PushResult> pushMids(int op, Collection<Long> mids, ByteString body) {
    return pushMids(op, mids, body, Delivery.BEST_EFFORT);
  }

  /**
   * Pushes to every connected device of each user. With {@code delivery.store()}, the message is
   * appended to every target user's inbox, connected or not, before any record is published; a mid
   * {@code <= 0} is then refused ({@code mids[i]}): anonymous connections have no inbox.
   */
  public CompletableFuture<PushResult> pushMids(
      int op, Collection<Long> mids, ByteString body, Delivery delivery) {
    return pushMids(op, mids, body, delivery, 0, false);
  }

  /**
   * A push of Logic's own services (the IM layer) to users: as {@link #pushMids(int, Collection,
   * ByteString, Delivery)}, but it may use the ops the wire protocol has servers send ({@link
   * #isServiceOp}: 36 CHAT_MESSAGE, 37 CHAT_RECEIPT, 38 CHAT_NOTICE), which backends may not, and
   * {@code messageId} ≠ 0 is used as it is instead of a new id: a chat message fanned out again (a
   * retried send) reaches clients under the same id, and they drop the copy.
   */
  public CompletableFuture<PushResult> servicePushMids(
      int op, Collection<Long> mids, ByteString body, Delivery delivery, long messageId) {
    return pushMids(op, mids, body, delivery, messageId, true);
  }

  private CompletableFuture<PushResult> pushMids(
      int op,
      Collection<Long> mids,
      ByteString body,
      Delivery delivery,
      long messageId,
      boolean service) {
    return accept(
        trace -> {
          Set<Long> targets = checks.mids(mids);
          if (delivery.store()) {
            RequestChecks.storedMids(mids);
          }
          PushMsg template =
              template(PushType.PUSH_TYPE_MIDS, op, body, delivery, messageId, service);
          CompletableFuture<Map<Long, InboxPosition>> stored =
              delivery.store()
                  ? store(template, targets)
                  : CompletableFuture.completedFuture(Map.of());
          CompletableFuture<Map<Long, List<Session>>> looked =
              resolve(() -> sessions.sessionsOfMids(targets));
          return stored.thenCompose(
              positions ->
                  looked.thenCompose(
                      live -> {
                        List<Long> offline = new ArrayList<>();
                        targets.stream()
                            .filter(mid -> live.getOrDefault(mid, List.of()).isEmpty())
                            .forEach(offline::add);
                        List<PushMsg> records =
                            delivery.store()
                                ? PushRecords.stored(template, live, positions)
                                : PushRecords.byServerOfMids(template, targets, live);
                        return publish(
                            records,
                            new PushResult(
                                template.getMessageId(), List.of(), offline, stored(positions)),
                            trace);
                      }));
        });
  }

  /**
   * Appends the push to each of {@code mids}' inboxes, in parallel; fails with {@link
   * PushUnavailableException} ({@code inbox: ...}) if any append failed. Appends that succeeded
   * stay: a retried push may then be in some inboxes twice, under two message ids.
   */
  private CompletableFuture<Map<Long, InboxPosition>> store(PushMsg template, Set<Long> mids) {
    InboxEntry entry =
        new InboxEntry(
            template.getMessageId(),
            template.getOp(),
            template.getBody(),
            template.getAcceptUnixMs());
    Map<Long, CompletableFuture<InboxPosition>> appends = new LinkedHashMap<>();
    for (Long mid : mids) {
      CompletableFuture<InboxPosition> append;
      try {
        append = inbox.append(mid, entry);
      } catch (RuntimeException e) {
        append = CompletableFuture.failedFuture(e);
      }
      appends.put(mid, append);
    }
    return CompletableFuture.allOf(appends.values().toArray(CompletableFuture[]::new))
        .handle(
            (ok, e) -> {
              if (e != null) {
                long failed =
                    appends.values().stream()
                        .filter(CompletableFuture::isCompletedExceptionally)
                        .count();
                String reason = Failures.reason(e);
                throw new PushUnavailableException(
                    "inbox: push "
                        + template.getMessageId()
                        + " not stored for "
                        + failed
                        + " of "
                        + appends.size()
                        + " users, nothing queued: "
                        + (reason.startsWith("inbox: ") ? reason.substring(7) : reason),
                    Failures.cause(e));
              }
              Map<Long, InboxPosition> positions = new LinkedHashMap<>();
              appends.forEach((mid, append) -> positions.put(mid, append.join()));
              return positions;
            });
  }

  private static List<PushResult.Stored> stored(Map<Long, InboxPosition> positions) {
    List<PushResult.Stored> stored = new ArrayList<>(positions.size());
    positions.forEach(
        (mid, position) ->
            stored.add(new PushResult.Stored(mid, position.epoch(), position.seq())));
    return stored;
  }

  /**
   * Pushes to everyone in room {@code type://room}; best-effort, not acked. The record names the
   * Comets that hold members of the room now ({@link RoomRoutes}), so every member whose AUTH or
   * JOIN was answered before this call gets it; when no Comet does, nothing is queued.
   */
  public CompletableFuture<PushResult> pushRoom(int op, String type, String room, ByteString body) {
    return pushRoom(op, type, room, body, false);
  }

  /**
   * A room push of Logic's own services: as {@link #pushRoom(int, String, String, ByteString)}, but
   * it may use the {@linkplain #isServiceOp service ops} (the IM layer's op-38 notices).
   */
  public CompletableFuture<PushResult> servicePushRoom(
      int op, String type, String room, ByteString body) {
    return pushRoom(op, type, room, body, true);
  }

  /**
   * The ops the wire protocol has servers send that Logic's own services push ({@link
   * #servicePushMids}, {@link #servicePushRoom}) and backends may not: 36 CHAT_MESSAGE, 37
   * CHAT_RECEIPT, 38 CHAT_NOTICE.
   */
  public static boolean isServiceOp(int op) {
    return op == Op.CHAT_MESSAGE || op == Op.CHAT_RECEIPT || op == Op.CHAT_NOTICE;
  }

  private CompletableFuture<PushResult> pushRoom(
      int op, String type, String room, ByteString body, boolean service) {
    return accept(
        trace -> {
          String target = RequestChecks.room(type, room);
          PushMsg template =
              template(PushType.PUSH_TYPE_ROOM, op, body, Delivery.BEST_EFFORT, 0, service)
                  .toBuilder()
                  .setRoom(target)
                  .build();
          PushResult result = PushResult.of(template.getMessageId());
          return roomRoutes
              .servers(target)
              .thenCompose(
                  servers -> {
                    if (servers.isEmpty()) {
                      return publish(List.of(template), result, trace);
                    }
                    if (servers.get().isEmpty()) {
                      return CompletableFuture.completedFuture(result);
                    }
                    PushMsg msg =
                        template.toBuilder()
                            .addAllRoomServers(new TreeSet<>(servers.get()))
                            .setRoomServersKnown(true)
                            .build();
                    return publish(List.of(msg), result, trace);
                  });
        });
  }

  /** Pushes to every connection, at most {@code speed} per second cluster-wide (0: unpaced). */
  public CompletableFuture<PushResult> pushAll(int op, int speed, ByteString body) {
    return accept(
        trace -> {
          int pace = RequestChecks.speed(speed);
          PushMsg msg =
              template(PushType.PUSH_TYPE_BROADCAST, op, body, Delivery.BEST_EFFORT).toBuilder()
                  .setSpeed(pace)
                  .build();
          return publish(List.of(msg), PushResult.of(msg.getMessageId()), trace);
        });
  }

  /** Checks the common arguments; the message id and accept time are taken only after checks. */
  private PushMsg template(PushType type, int op, ByteString body, Delivery delivery) {
    return template(type, op, body, delivery, 0, false);
  }

  /**
   * As above; {@code messageId} ≠ 0 is used instead of a new id, and a {@code service} push may use
   * the {@linkplain #isServiceOp service ops}.
   */
  private PushMsg template(
      PushType type, int op, ByteString body, Delivery delivery, long messageId, boolean service) {
    if (!(service && isServiceOp(op))) {
      RequestChecks.operation(op);
    }
    checks.body(body);
    return PushMsg.newBuilder()
        .setType(type)
        .setOp(op)
        .setBody(body)
        .setRequireAck(delivery.requireAck())
        .setNotify(delivery.notice())
        .setMessageId(messageId != 0 ? messageId : messageId())
        .setAcceptUnixMs(clock.millis())
        .build();
  }

  /** A new message id; when none can be had (IdGen away), the push is unavailable. */
  private long messageId() {
    try {
      return ids.next();
    } catch (MessageIdsUnavailableException e) {
      throw new PushUnavailableException(e.getMessage(), e);
    }
  }

  /**
   * Runs {@code push} with the caller's trace context (the push API's span, current while it calls
   * in), turning what it throws (a bad request, mostly) into a failed future. The trace context is
   * taken here, on the caller's thread: the records are published later, on others.
   */
  private static CompletableFuture<PushResult> accept(
      Function<Context, CompletableFuture<PushResult>> push) {
    try {
      return push.apply(Context.current());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T> CompletableFuture<T> resolve(Supplier<CompletableFuture<T>> lookup) {
    CompletableFuture<T> looked;
    try {
      looked = lookup.get();
    } catch (RuntimeException e) {
      looked = CompletableFuture.failedFuture(e);
    }
    return looked.exceptionally(
        e -> {
          throw new PushUnavailableException(
              "session store: " + Failures.reason(e), Failures.cause(e));
        });
  }

  /**
   * Publishes every record under {@code trace} (each carries it to Job); completes once all are
   * acknowledged, or fails if any was not.
   */
  private CompletableFuture<PushResult> publish(
      List<PushMsg> records, PushResult result, Context trace) {
    Span span = Span.fromContext(trace);
    if (span.isRecording() && !records.isEmpty()) {
      PushMsg first = records.get(0);
      span.setAttribute(PushAttributes.TYPE, PushAttributes.type(first.getType()));
      span.setAttribute(PushAttributes.OP, first.getOp());
      span.setAttribute(PushAttributes.MESSAGE_ID, result.messageId());
      span.setAttribute(PushAttributes.RECORDS, records.size());
      if (!first.getRoom().isEmpty()) {
        span.setAttribute(PushAttributes.ROOM, first.getRoom());
      }
      if (first.getInboxSeq() > 0) {
        span.setAttribute(PushAttributes.STORED, true);
      }
    }
    List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
    for (PushMsg record : records) {
      CompletableFuture<Void> one;
      try {
        one = queue.publish(record, trace);
      } catch (RuntimeException e) {
        one = CompletableFuture.failedFuture(e);
      }
      sent.add(one);
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .handle(
            (ok, e) -> {
              if (e == null) {
                return result;
              }
              long failed =
                  sent.stream().filter(CompletableFuture::isCompletedExceptionally).count();
              throw new PushUnavailableException(
                  "push "
                      + result.messageId()
                      + ": "
                      + failed
                      + " of "
                      + records.size()
                      + " records not queued: "
                      + Failures.reason(e),
                  Failures.cause(e));
            });
  }
}
