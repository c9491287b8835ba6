package io.herald.job.rooms;

import io.herald.job.config.BatchConfig;
import io.herald.proto.common.v1.Frame;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Merges room messages into batches, per room, in order: a room's open batch is closed when it
 * reaches {@code maxMessages} messages or {@code maxBytes} of bodies, or {@code window} after its
 * first message, whichever comes first. A batch goes to every Comet any of its messages names. A
 * message that would take a batch past {@code maxBytes} closes it and opens the next. Each room has
 * at most one open batch, so batches of a room come out in the order of their messages.
 *
 * <p>Pure: time comes from the injected clock, and the caller asks for {@link #due()} batches when
 * {@link #nextDue()} has come. Not thread-safe: the dispatcher's loop owns it. Its size is bounded
 * by what the queue hands out without completion (the consumer's in-flight bound).
 */
final class RoomBatcher {
  private final Clock clock;
  private final long windowMillis;
  private final int maxMessages;
  private final int maxBytes;

  /** Open batches by room, oldest first: all share one window, so this is deadline order. */
  private final LinkedHashMap<String, Open> open = new LinkedHashMap<>();

  private static final class Open {
    final String room;
    final long openedAt;
    final List<Frame> frames = new ArrayList<>();
    final List<CompletableFuture<Void>> records = new ArrayList<>();
    final List<Context> traces = new ArrayList<>(1);
    Set<String> servers = new HashSet<>(); // null: every Comet
    int bytes;
    long oldestAccept = Long.MAX_VALUE;

    Open(String room, long openedAt) {
      this.room = room;
      this.openedAt = openedAt;
    }

    RoomBatch close() {
      return new RoomBatch(
          room,
          frames,
          bytes,
          oldestAccept == Long.MAX_VALUE ? 0 : oldestAccept,
          records,
          servers,
          traces);
    }
  }

  RoomBatcher(BatchConfig config, Clock clock) {
    this.clock = clock;
    this.windowMillis = config.window().toMillis();
    this.maxMessages = config.maxMessages();
    this.maxBytes = config.maxBytes();
  }

  /**
   * Adds one message of {@code room}.
   *
   * @param acceptUnixMs when Logic accepted it (0 = unknown)
   * @param servers the Comets it goes to; {@code null} for every Comet
   * @param record completed when the message's batch has been handled
   * @return the batches to send now: none, the room's batch that this message filled, or the room's
   *     previous batch (closed because this message did not fit) and perhaps this one
   */
  List<RoomBatch> add(
      String room,
      Frame frame,
      long acceptUnixMs,
      Collection<String> servers,
      CompletableFuture<Void> record) {
    return add(room, frame, acceptUnixMs, servers, record, Context.root());
  }

  /** As above, the message traced under {@code trace} ({@link Context#root()}: none). */
  List<RoomBatch> add(
      String room,
      Frame frame,
      long acceptUnixMs,
      Collection<String> servers,
      CompletableFuture<Void> record,
      Context trace) {
    List<RoomBatch> ready = new ArrayList<>(1);
    int size = frame.getBody().size();
    Open batch = open.get(room);
    if (batch != null && batch.bytes + size > maxBytes) {
      ready.add(open.remove(room).close());
      batch = null;
    }
    if (batch == null) {
      batch = new Open(room, clock.millis());
      open.put(room, batch);
    }
    batch.frames.add(frame);
    batch.records.add(record);
    if (trace != Context.root()) {
      batch.traces.add(trace);
    }
    if (servers == null) {
      batch.servers = null;
    } else if (batch.servers != null) {
      batch.servers.addAll(servers);
    }
    batch.bytes += size;
    if (acceptUnixMs > 0) {
      batch.oldestAccept = Math.min(batch.oldestAccept, acceptUnixMs);
    }
    if (windowMillis == 0 || batch.frames.size() >= maxMessages || batch.bytes >= maxBytes) {
      ready.add(open.remove(room).close());
    }
    return ready;
  }

  /** The batches whose window has passed, oldest first; they are no longer open. */
  List<RoomBatch> due() {
    long now = clock.millis();
    List<RoomBatch> ready = new ArrayList<>();
    for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Open batch = it.next().getValue();
      if (batch.openedAt + windowMillis > now) {
        break;
      }
      it.remove();
      ready.add(batch.close());
    }
    return ready;
  }

  /** When the oldest open batch is due (Unix ms of the clock), if any is open. */
  OptionalLong nextDue() {
    if (open.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(open.values().iterator().next().openedAt + windowMillis);
  }

  /** Closes and returns every open batch, oldest first (when stopping). */
  List<RoomBatch> drain() {
    List<RoomBatch> all = new ArrayList<>(open.size());
    open.values().forEach(batch -> all.add(batch.close()));
    open.clear();
    return all;
  }

  /** Rooms with an open batch. */
  int openRooms() {
    return open.size();
  }
}
