package io.herald.logic.inbox;

import com.google.protobuf.CodedOutputStream;
import io.herald.proto.common.v1.InboxMessage;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Inboxes in this process's memory ({@code store.backend: memory}, {@code herald standalone}): the
 * semantics of the Redis backend, lost on restart. An inbox with no append for {@code maxAge} is
 * gone (the next append creates it in a new epoch); such inboxes are swept at most once per {@code
 * maxAge / 10}.
 *
 * <p>Every call works on a user's inbox inside {@link ConcurrentHashMap#compute} (or {@code
 * computeIfPresent}) of its mid, so finding the inbox, replacing an expired one, sweeping it and
 * changing it are one atomic step: an append never lands in an inbox a sweep or another call has
 * just taken out of the map.
 */
public final class InMemoryInbox implements Inbox {
  private final Clock clock;
  private final int maxCount;
  private final long maxAgeMs;
  private final int maxBytes;
  private final int maxDevices;
  private final Epochs epochs;
  private final InboxMetrics metrics;
  private final ConcurrentHashMap<Long, UserInbox> inboxes = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  public InMemoryInbox(InboxConfig config, Clock clock, InboxMetrics metrics) {
    this.clock = clock;
    this.maxCount = config.maxCount();
    this.maxAgeMs = config.maxAge().toMillis();
    this.maxBytes = config.syncMaxBytes();
    this.maxDevices = config.maxDevices();
    this.epochs = new Epochs(clock);
    this.metrics = metrics;
    this.lastSweep = clock.millis();
  }

  /**
   * One user's inbox; changed only inside a compute of its mid (its own lock, taken there too, only
   * makes the changes visible to the next compute).
   */
  private static final class UserInbox {
    final long epoch;
    long seq;
    long lastAppendMs;
    final ArrayDeque<InboxMessage> log = new ArrayDeque<>();
    final Map<String, Long> cursors = new HashMap<>();

    UserInbox(long epoch, long now) {
      this.epoch = epoch;
      this.lastAppendMs = now;
    }

    long oldest() {
      return seq == 0 ? 0 : log.isEmpty() ? seq + 1 : log.peekFirst().getSeq();
    }
  }

  @Override
  public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
    requireUser(mid);
    long now = clock.millis();
    sweep(now);
    InboxPosition[] position = new InboxPosition[1];
    long[] trimmed = new long[1];
    inboxes.compute(
        mid,
        (id, held) -> {
          UserInbox inbox = held != null && !expired(held, now) ? held : created(now);
          synchronized (inbox) {
            inbox.seq++;
            inbox.lastAppendMs = now;
            inbox.log.addLast(
                InboxMessage.newBuilder()
                    .setMessageId(entry.messageId())
                    .setSeq(inbox.seq)
                    .setOp(entry.op())
                    .setBody(entry.body())
                    .setAcceptUnixMs(entry.acceptUnixMs())
                    .build());
            while (inbox.log.size() > maxCount) {
              inbox.log.removeFirst();
              trimmed[0]++;
            }
            trimmed[0] += trimAge(inbox, now);
            position[0] = new InboxPosition(inbox.epoch, inbox.seq);
          }
          return inbox;
        });
    metrics.trimmed(trimmed[0]);
    return CompletableFuture.completedFuture(position[0]);
  }

  private UserInbox created(long now) {
    long epoch = epochs.candidate();
    epochs.issued(epoch);
    return new UserInbox(epoch, now);
  }

  @Override
  public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
    checkLimit(limit);
    if (!Inbox.isUser(mid)) {
      return CompletableFuture.completedFuture(InboxRead.none(0));
    }
    InboxRead read =
        readLive(mid, inbox -> readLocked(inbox, epoch, afterSeq, limit, clock.millis()));
    return CompletableFuture.completedFuture(read == null ? InboxRead.none(epoch) : read);
  }

  @Override
  public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
    checkLimit(limit);
    if (!Inbox.isUser(mid)) {
      return CompletableFuture.completedFuture(InboxRead.none(0));
    }
    InboxRead read =
        readLive(
            mid,
            inbox -> {
              Long cursor = inbox.cursors.get(key);
              return cursor == null
                  ? readLocked(inbox, 0, 0, limit, clock.millis())
                  : readLocked(inbox, inbox.epoch, cursor, limit, clock.millis());
            });
    return CompletableFuture.completedFuture(read == null ? InboxRead.none(0) : read);
  }

  /**
   * What {@code reader} answers on {@code mid}'s inbox, inside its compute; {@code null} when the
   * user has none (an expired one is dropped). Creates nothing.
   */
  private <T> T readLive(long mid, Function<UserInbox, T> reader) {
    long now = clock.millis();
    sweep(now);
    List<T> answer = new ArrayList<>(1);
    inboxes.computeIfPresent(
        mid,
        (id, inbox) -> {
          if (expired(inbox, now)) {
            return null;
          }
          synchronized (inbox) {
            answer.add(reader.apply(inbox));
          }
          return inbox;
        });
    return answer.isEmpty() ? null : answer.get(0);
  }

  private InboxRead readLocked(UserInbox inbox, long epoch, long afterSeq, int limit, long now) {
    metrics.trimmed(trimAge(inbox, now));
    long oldest = inbox.oldest();
    long latest = inbox.seq;
    boolean reset =
        epoch != 0 && (epoch != inbox.epoch || afterSeq > latest || afterSeq + 1 < oldest);
    if (reset) {
      return new InboxRead(inbox.epoch, oldest, latest, List.of(), false, true);
    }
    List<InboxMessage> messages = new ArrayList<>();
    boolean more = false;
    long bytes = 0;
    for (InboxMessage message : inbox.log) {
      if (message.getSeq() <= afterSeq) {
        continue;
      }
      long size = size(message);
      if (messages.size() == limit || (!messages.isEmpty() && bytes + size > maxBytes)) {
        more = true;
        break;
      }
      messages.add(message);
      bytes += size;
    }
    return new InboxRead(inbox.epoch, oldest, latest, messages, more, false);
  }

  /** A message's encoded size without its seq, as the Redis backend keeps and counts it. */
  private static long size(InboxMessage message) {
    return message.getSerializedSize()
        - CodedOutputStream.computeInt64Size(InboxMessage.SEQ_FIELD_NUMBER, message.getSeq());
  }

  @Override
  public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
    long now = clock.millis();
    int[] moved = new int[1];
    long[] dropped = new long[1];
    for (DeviceCursor cursor : cursors) {
      if (!Inbox.isUser(cursor.mid())) {
        continue;
      }
      inboxes.computeIfPresent(
          cursor.mid(),
          (id, inbox) -> {
            if (expired(inbox, now)) {
              return null;
            }
            synchronized (inbox) {
              if (cursor.epoch() != inbox.epoch || cursor.seq() <= 0 || cursor.seq() > inbox.seq) {
                return inbox;
              }
              Long held = inbox.cursors.get(cursor.key());
              if (held == null && inbox.cursors.size() >= maxDevices) {
                dropped[0] += dropLeastAdvanced(inbox, inbox.cursors.size() - maxDevices + 1);
              }
              if (held == null || cursor.seq() > held) {
                inbox.cursors.put(cursor.key(), cursor.seq());
                moved[0]++;
              }
            }
            return inbox;
          });
    }
    metrics.dropped(dropped[0]);
    return CompletableFuture.completedFuture(moved[0]);
  }

  /** Drops the cursors of the {@code count} least advanced devices; answers how many. */
  private static long dropLeastAdvanced(UserInbox inbox, int count) {
    List<Map.Entry<String, Long>> lowest = new ArrayList<>(inbox.cursors.entrySet());
    lowest.sort(Map.Entry.comparingByValue());
    for (Map.Entry<String, Long> entry : List.copyOf(lowest.subList(0, count))) {
      inbox.cursors.remove(entry.getKey());
    }
    return count;
  }

  @Override
  public CompletableFuture<Map<String, Long>> cursors(long mid) {
    Map<String, Long> cursors =
        Inbox.isUser(mid) ? readLive(mid, inbox -> Map.copyOf(inbox.cursors)) : null;
    return CompletableFuture.completedFuture(cursors == null ? Map.of() : cursors);
  }

  /** Forgets {@code mid}'s inbox, as a store that lost its data would; for tests. */
  void forget(long mid) {
    inboxes.remove(mid);
  }

  /** How many users have an inbox here; for tests. */
  int users() {
    return inboxes.size();
  }

  private boolean expired(UserInbox inbox, long now) {
    synchronized (inbox) {
      return now - inbox.lastAppendMs >= maxAgeMs;
    }
  }

  /** Drops messages accepted more than {@code maxAge} ago; answers how many. */
  private long trimAge(UserInbox inbox, long now) {
    long cutoff = now - maxAgeMs;
    long trimmed = 0;
    while (!inbox.log.isEmpty() && inbox.log.peekFirst().getAcceptUnixMs() < cutoff) {
      inbox.log.removeFirst();
      trimmed++;
    }
    return trimmed;
  }

  /** Drops expired inboxes, each atomically with the calls on it. */
  private void sweep(long now) {
    if (now - lastSweep < maxAgeMs / 10) {
      return;
    }
    lastSweep = now;
    for (Long mid : inboxes.keySet()) {
      inboxes.computeIfPresent(mid, (id, inbox) -> expired(inbox, now) ? null : inbox);
    }
  }

  static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: a positive number)");
    }
  }

  /** Refuses a mid that has no inbox ({@link Inbox#isUser}). */
  static void requireUser(long mid) {
    if (!Inbox.isUser(mid)) {
      throw new IllegalArgumentException(
          "mid: " + mid + " (expected: a user id > 0; anonymous users have no inbox)");
    }
  }
}
