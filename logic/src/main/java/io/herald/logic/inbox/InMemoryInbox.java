package io.herald.logic.inbox;

import io.herald.proto.common.v1.InboxMessage;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inboxes in this process's memory ({@code store.backend: memory}, {@code herald standalone}): the
 * semantics of the Redis backend, lost on restart. An inbox with no append for {@code maxAge} is
 * gone (the next call creates it in a new epoch); such inboxes are swept at most once per {@code
 * maxAge / 10}.
 */
public final class InMemoryInbox implements Inbox {
  private final Clock clock;
  private final int maxCount;
  private final long maxAgeMs;
  private final Epochs epochs;
  private final InboxMetrics metrics;
  private final ConcurrentHashMap<Long, UserInbox> inboxes = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  public InMemoryInbox(InboxConfig config, Clock clock, InboxMetrics metrics) {
    this.clock = clock;
    this.maxCount = config.maxCount();
    this.maxAgeMs = config.maxAge().toMillis();
    this.epochs = new Epochs(clock);
    this.metrics = metrics;
    this.lastSweep = clock.millis();
  }

  /** One user's inbox; guarded by its own lock. */
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
    long now = clock.millis();
    UserInbox inbox = live(mid, now);
    long trimmed;
    InboxPosition position;
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
      trimmed = 0;
      while (inbox.log.size() > maxCount) {
        inbox.log.removeFirst();
        trimmed++;
      }
      trimmed += trimAge(inbox, now);
      position = new InboxPosition(inbox.epoch, inbox.seq);
    }
    metrics.trimmed(trimmed);
    return CompletableFuture.completedFuture(position);
  }

  @Override
  public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
    checkLimit(limit);
    long now = clock.millis();
    UserInbox inbox = live(mid, now);
    synchronized (inbox) {
      return CompletableFuture.completedFuture(readLocked(inbox, epoch, afterSeq, limit, now));
    }
  }

  @Override
  public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
    checkLimit(limit);
    long now = clock.millis();
    UserInbox inbox = live(mid, now);
    synchronized (inbox) {
      Long cursor = inbox.cursors.get(key);
      InboxRead read =
          cursor == null
              ? readLocked(inbox, 0, 0, limit, now)
              : readLocked(inbox, inbox.epoch, cursor, limit, now);
      return CompletableFuture.completedFuture(read);
    }
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
    for (InboxMessage message : inbox.log) {
      if (message.getSeq() <= afterSeq) {
        continue;
      }
      if (messages.size() == limit) {
        more = true;
        break;
      }
      messages.add(message);
    }
    return new InboxRead(inbox.epoch, oldest, latest, messages, more, false);
  }

  @Override
  public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
    long now = clock.millis();
    int moved = 0;
    for (DeviceCursor cursor : cursors) {
      UserInbox inbox = inboxes.get(cursor.mid());
      if (inbox == null || expired(inbox, now)) {
        continue;
      }
      synchronized (inbox) {
        if (cursor.epoch() != inbox.epoch || cursor.seq() <= 0 || cursor.seq() > inbox.seq) {
          continue;
        }
        Long held = inbox.cursors.get(cursor.key());
        if (held == null || cursor.seq() > held) {
          inbox.cursors.put(cursor.key(), cursor.seq());
          moved++;
        }
      }
    }
    return CompletableFuture.completedFuture(moved);
  }

  @Override
  public CompletableFuture<Map<String, Long>> cursors(long mid) {
    UserInbox inbox = inboxes.get(mid);
    if (inbox == null || expired(inbox, clock.millis())) {
      return CompletableFuture.completedFuture(Map.of());
    }
    synchronized (inbox) {
      return CompletableFuture.completedFuture(Map.copyOf(inbox.cursors));
    }
  }

  /** Forgets {@code mid}'s inbox, as a store that lost its data would; for tests. */
  void forget(long mid) {
    inboxes.remove(mid);
  }

  /** The user's inbox, created in a new epoch when there is none or it expired. */
  private UserInbox live(long mid, long now) {
    sweep(now);
    return inboxes.compute(
        mid,
        (id, inbox) -> {
          if (inbox != null && !expired(inbox, now)) {
            return inbox;
          }
          long epoch = epochs.candidate();
          epochs.issued(epoch);
          return new UserInbox(epoch, now);
        });
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

  private void sweep(long now) {
    if (now - lastSweep < maxAgeMs / 10) {
      return;
    }
    lastSweep = now;
    for (Iterator<UserInbox> it = inboxes.values().iterator(); it.hasNext(); ) {
      if (expired(it.next(), now)) {
        it.remove();
      }
    }
  }

  static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: a positive number)");
    }
  }
}
