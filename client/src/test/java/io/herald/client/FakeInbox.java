package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's inbox as Logic keeps it, in memory, for the client's tests: messages with ids and seqs
 * in an epoch, trimming, a new epoch, and SYNC answered by the delivery design's reset rule (epoch
 * 0 never resets; another epoch, a seq past the latest, or a trimmed gap does).
 */
final class FakeInbox {
  /** A stored message. */
  record Stored(long id, long seq, int op, String body) {}

  private final TreeMap<Long, Stored> log = new TreeMap<>();
  private long epoch;
  private long latest;
  private long nextId = 9000;
  private int limit = 100;

  FakeInbox(long epoch) {
    this.epoch = epoch;
  }

  synchronized long epoch() {
    return epoch;
  }

  /** Messages per SYNC_REPLY at most (the server's sync limit). */
  synchronized void limit(int limit) {
    this.limit = limit;
  }

  /** Appends {@code body} (op 1000) under a new id; the stored message. */
  synchronized Stored append(String body) {
    Stored stored = new Stored(nextId++, ++latest, 1000, body);
    log.put(stored.seq(), stored);
    return stored;
  }

  synchronized Stored get(long seq) {
    return log.get(seq);
  }

  /** Drops every message below {@code oldest}. */
  synchronized void trimBelow(long oldest) {
    log.headMap(oldest, false).clear();
  }

  /** The inbox is lost and created again: a new epoch, no messages, seq from 1. */
  synchronized void recreate(long newEpoch) {
    epoch = newEpoch;
    latest = 0;
    log.clear();
  }

  /** The SYNC_REPLY body answering {@code request}, its op-26 frames in {@code version}. */
  synchronized ByteBuf answer(SyncBody request, ProtocolVersion version, ByteBufAllocator alloc) {
    long oldest = log.isEmpty() ? (latest == 0 ? 0 : latest + 1) : log.firstKey();
    boolean reset =
        request.epoch() != 0
            && (request.epoch() != epoch
                || request.afterSeq() > latest
                || request.afterSeq() + 1 < oldest);
    if (reset) {
      return new SyncReply(epoch, oldest, latest, false, true).encode(alloc, List.of());
    }
    List<Frame> frames = new ArrayList<>();
    boolean more = false;
    for (Map.Entry<Long, Stored> e : log.tailMap(request.afterSeq(), false).entrySet()) {
      if (frames.size() == limit) {
        more = true;
        break;
      }
      frames.add(envelope(e.getValue(), false).frame(alloc, version, body(e.getValue())));
    }
    try {
      return new SyncReply(epoch, oldest, latest, more, false).encode(alloc, frames);
    } finally {
      frames.forEach(Frame::release);
    }
  }

  synchronized MessageEnvelope envelope(Stored stored, boolean ack) {
    return new MessageEnvelope(stored.id(), epoch, stored.seq(), stored.op(), ack);
  }

  static ByteBuf body(Stored stored) {
    return Unpooled.copiedBuffer(stored.body(), StandardCharsets.UTF_8);
  }
}
