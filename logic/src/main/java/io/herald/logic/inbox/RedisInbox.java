package io.herald.logic.inbox;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.herald.proto.common.v1.InboxMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inboxes in Redis ({@code store.backend: redis}), on the session store's connection; layout in
 * {@link RedisInboxKeys}. Append, read and cursor moves are Lua scripts ({@link InboxScripts}), one
 * round trip each and atomic per user, so concurrent appends for one user get consecutive seqs
 * whichever Logic instance makes them. The scripts take the time from this instance's clock.
 */
public final class RedisInbox implements Inbox {
  private static final Logger log = LoggerFactory.getLogger(RedisInbox.class);

  private final RedisConnection redis;
  private final RedisInboxKeys keys;
  private final Clock clock;
  private final String maxCount;
  private final String maxAgeMs;
  private final Epochs epochs;
  private final InboxMetrics metrics;

  /**
   * @param redis the connection, started by its owner
   */
  public RedisInbox(RedisConnection redis, InboxConfig config, Clock clock, InboxMetrics metrics) {
    this.redis = redis;
    this.keys = new RedisInboxKeys(redis.keyPrefix());
    this.clock = clock;
    this.maxCount = String.valueOf(config.maxCount());
    this.maxAgeMs = String.valueOf(config.maxAge().toMillis());
    this.epochs = new Epochs(clock);
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
    long newEpoch = epochs.candidate();
    return redis
        .run(
            RedisOp.INBOX_APPEND,
            commands ->
                InboxScripts.APPEND.<List<Object>>run(
                    commands,
                    keys.of(mid),
                    String.valueOf(newEpoch),
                    String.valueOf(clock.millis()),
                    maxAgeMs,
                    maxCount,
                    String.valueOf(entry.acceptUnixMs()),
                    RedisInboxKeys.payload(entry)))
        .thenApply(
            answer -> {
              long epoch = number(answer.get(0));
              created(answer.get(2), epoch);
              metrics.trimmed(number(answer.get(3)));
              return new InboxPosition(epoch, number(answer.get(1)));
            });
  }

  @Override
  public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
    return read(mid, String.valueOf(epoch), afterSeq, limit, "");
  }

  @Override
  public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key: empty (expected: a device key)");
    }
    return read(mid, "0", 0, limit, key);
  }

  private CompletableFuture<InboxRead> read(
      long mid, String epoch, long afterSeq, int limit, String cursorKey) {
    InMemoryInbox.checkLimit(limit);
    long newEpoch = epochs.candidate();
    return redis
        .run(
            RedisOp.INBOX_READ,
            commands ->
                InboxScripts.READ.<List<Object>>run(
                    commands,
                    keys.of(mid),
                    String.valueOf(newEpoch),
                    String.valueOf(clock.millis()),
                    maxAgeMs,
                    epoch,
                    String.valueOf(afterSeq),
                    String.valueOf(limit),
                    cursorKey))
        .thenApply(
            answer -> {
              long current = number(answer.get(0));
              created(answer.get(5), current);
              metrics.trimmed(number(answer.get(6)));
              List<InboxMessage> messages = new ArrayList<>(answer.size() - 7);
              for (Object member : answer.subList(7, answer.size())) {
                InboxMessage message = RedisInboxKeys.message(String.valueOf(member));
                if (message == null) {
                  log.warn("Skipping a malformed inbox entry of mid {}", mid);
                } else {
                  messages.add(message);
                }
              }
              return new InboxRead(
                  current,
                  number(answer.get(1)),
                  number(answer.get(2)),
                  messages,
                  number(answer.get(4)) == 1,
                  number(answer.get(3)) == 1);
            });
  }

  @Override
  public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
    Map<Long, List<String>> byMid = new LinkedHashMap<>();
    for (DeviceCursor cursor : cursors) {
      List<String> args = byMid.computeIfAbsent(cursor.mid(), mid -> new ArrayList<>());
      args.add(cursor.key());
      args.add(String.valueOf(cursor.epoch()));
      args.add(String.valueOf(cursor.seq()));
    }
    if (byMid.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return redis.run(
        RedisOp.INBOX_CURSOR,
        commands -> {
          List<CompletableFuture<Long>> moves = new ArrayList<>(byMid.size());
          byMid.forEach(
              (mid, args) -> {
                String[] userKeys = keys.of(mid);
                moves.add(
                    InboxScripts.MOVE_CURSORS.run(
                        commands,
                        new String[] {userKeys[0], userKeys[2]},
                        args.toArray(String[]::new)));
              });
          return CompletableFuture.allOf(moves.toArray(CompletableFuture<?>[]::new))
              .thenApply(v -> moves.stream().mapToInt(move -> move.join().intValue()).sum());
        });
  }

  @Override
  public CompletableFuture<Map<String, Long>> cursors(long mid) {
    String[] userKeys = keys.of(mid);
    return redis.run(
        RedisOp.INBOX_READ,
        commands -> {
          CompletableFuture<String> epoch =
              commands.hget(userKeys[0], "epoch").toCompletableFuture();
          CompletableFuture<Map<String, String>> held =
              commands.hgetall(userKeys[2]).toCompletableFuture();
          return epoch.thenCombine(
              held,
              (current, all) -> {
                Map<String, Long> cursors = new LinkedHashMap<>();
                if (current == null) {
                  return cursors;
                }
                all.forEach(
                    (key, value) -> {
                      int sep = value.indexOf(':');
                      if (sep > 0 && value.substring(0, sep).equals(current)) {
                        try {
                          cursors.put(key, Long.parseLong(value.substring(sep + 1)));
                        } catch (NumberFormatException e) {
                          log.warn("Skipping a malformed inbox cursor of mid {}", mid);
                        }
                      }
                    });
                return cursors;
              });
        });
  }

  private void created(Object flag, long epoch) {
    if (number(flag) == 1) {
      epochs.issued(epoch);
    }
  }

  private static long number(Object value) {
    return value instanceof Long number ? number : Long.parseLong(String.valueOf(value));
  }
}
