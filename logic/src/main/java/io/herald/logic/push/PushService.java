package io.herald.logic.push;

import com.google.protobuf.ByteString;
import io.herald.logic.Failures;
import io.herald.logic.ids.MessageIds;
import io.herald.logic.ids.MessageIdsUnavailableException;
import io.herald.logic.queue.PushQueue;
import io.herald.logic.room.RoomRoutes;
import io.herald.logic.session.SessionStore;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 */
public final class PushService {
  private final SessionStore sessions;
  private final RoomRoutes roomRoutes;
  private final PushQueue queue;
  private final MessageIds ids;
  private final RequestChecks checks;
  private final Clock clock;

  public PushService(
      SessionStore sessions,
      RoomRoutes roomRoutes,
      PushQueue queue,
      MessageIds ids,
      PushConfig.Api api,
      Clock clock) {
    this.sessions = sessions;
    this.roomRoutes = roomRoutes;
    this.queue = queue;
    this.ids = ids;
    this.checks = new RequestChecks(api);
    this.clock = clock;
  }

  /** Pushes to device keys; clients are not asked to ack. */
  public CompletableFuture<PushResult> pushKeys(int op, Collection<String> keys, ByteString body) {
    return pushKeys(op, keys, body, false);
  }

  public CompletableFuture<PushResult> pushKeys(
      int op, Collection<String> keys, ByteString body, boolean requireAck) {
    return accept(
        () -> {
          Set<String> targets = checks.keys(keys);
          PushMsg template = template(PushType.PUSH_TYPE_KEYS, op, body, requireAck);
          return resolve(() -> sessions.sessionsOfKeys(targets))
              .thenCompose(
                  live -> {
                    List<String> offline = new ArrayList<>(targets);
                    offline.removeAll(live.keySet());
                    return publish(
                        PushRecords.byServer(template, targets, live),
                        new PushResult(template.getMessageId(), offline, List.of()));
                  });
        });
  }

  /** Pushes to every connected device of each user; clients are not asked to ack. */
  public CompletableFuture<PushResult> pushMids(int op, Collection<Long> mids, ByteString body) {
    return pushMids(op, mids, body, false);
  }

  public CompletableFuture<PushResult> pushMids(
      int op, Collection<Long> mids, ByteString body, boolean requireAck) {
    return accept(
        () -> {
          Set<Long> targets = checks.mids(mids);
          PushMsg template = template(PushType.PUSH_TYPE_MIDS, op, body, requireAck);
          return resolve(() -> sessions.sessionsOfMids(targets))
              .thenCompose(
                  live -> {
                    List<Long> offline = new ArrayList<>();
                    targets.stream()
                        .filter(mid -> live.getOrDefault(mid, List.of()).isEmpty())
                        .forEach(offline::add);
                    return publish(
                        PushRecords.byServerOfMids(template, targets, live),
                        new PushResult(template.getMessageId(), List.of(), offline));
                  });
        });
  }

  /**
   * Pushes to everyone in room {@code type://room}; best-effort, not acked. The record names the
   * Comets that hold members of the room now ({@link RoomRoutes}), so every member whose AUTH or
   * JOIN was answered before this call gets it; when no Comet does, nothing is queued.
   */
  public CompletableFuture<PushResult> pushRoom(int op, String type, String room, ByteString body) {
    return accept(
        () -> {
          String target = RequestChecks.room(type, room);
          PushMsg template =
              template(PushType.PUSH_TYPE_ROOM, op, body, false).toBuilder()
                  .setRoom(target)
                  .build();
          PushResult result = PushResult.of(template.getMessageId());
          return roomRoutes
              .servers(target)
              .thenCompose(
                  servers -> {
                    if (servers.isEmpty()) {
                      return publish(List.of(template), result);
                    }
                    if (servers.get().isEmpty()) {
                      return CompletableFuture.completedFuture(result);
                    }
                    PushMsg msg =
                        template.toBuilder()
                            .addAllRoomServers(new TreeSet<>(servers.get()))
                            .setRoomServersKnown(true)
                            .build();
                    return publish(List.of(msg), result);
                  });
        });
  }

  /** Pushes to every connection, at most {@code speed} per second cluster-wide (0: unpaced). */
  public CompletableFuture<PushResult> pushAll(int op, int speed, ByteString body) {
    return accept(
        () -> {
          int pace = RequestChecks.speed(speed);
          PushMsg msg =
              template(PushType.PUSH_TYPE_BROADCAST, op, body, false).toBuilder()
                  .setSpeed(pace)
                  .build();
          return publish(List.of(msg), PushResult.of(msg.getMessageId()));
        });
  }

  /** Checks the common arguments; the message id and accept time are taken only after checks. */
  private PushMsg template(PushType type, int op, ByteString body, boolean requireAck) {
    RequestChecks.operation(op);
    checks.body(body);
    return PushMsg.newBuilder()
        .setType(type)
        .setOp(op)
        .setBody(body)
        .setRequireAck(requireAck)
        .setMessageId(messageId())
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

  /** Runs {@code push}, turning what it throws (a bad request, mostly) into a failed future. */
  private static CompletableFuture<PushResult> accept(
      Supplier<CompletableFuture<PushResult>> push) {
    try {
      return push.get();
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

  /** Publishes every record; completes once all are acknowledged, or fails if any was not. */
  private CompletableFuture<PushResult> publish(List<PushMsg> records, PushResult result) {
    List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
    for (PushMsg record : records) {
      CompletableFuture<Void> one;
      try {
        one = queue.publish(record);
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
