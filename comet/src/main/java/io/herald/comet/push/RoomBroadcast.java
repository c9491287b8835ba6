package io.herald.comet.push;

import io.herald.comet.push.WriteMetrics.Kind;
import io.herald.comet.session.Connection;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One room broadcast, fed the room's members one by one. Members that accept every op of the frames
 * (nearly all) share one encoding per version. A member that accepts only some gets an encoding of
 * just those, shared with the other members accepting the same subset (so the rare path costs one
 * encoding per distinct subset, not per member); a member accepting none is skipped. Used by one
 * thread for one call; {@link #release()} at the end.
 */
final class RoomBroadcast implements Consumer<Connection> {
  private final ByteBufAllocator alloc;
  private final OutboundWriter writer;
  private final List<PushFrame> frames;
  private final int[] ops;
  private final SharedPayload all;
  private final Map<BitSet, SharedPayload> subsets = new HashMap<>();
  private int recipients;

  RoomBroadcast(ByteBufAllocator alloc, OutboundWriter writer, List<PushFrame> frames) {
    this.alloc = alloc;
    this.writer = writer;
    this.all = new SharedPayload(alloc, frames);
    this.frames = List.copyOf(frames);
    this.ops = this.frames.stream().mapToInt(PushFrame::op).distinct().toArray();
  }

  @Override
  public void accept(Connection member) {
    SharedPayload payload = payloadFor(member);
    if (payload != null && writer.write(member, payload, Kind.ROOM)) {
      recipients++;
    }
  }

  private SharedPayload payloadFor(Connection member) {
    if (acceptsAll(member)) {
      return all;
    }
    BitSet accepted = new BitSet(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      if (member.accepts(frames.get(i).op())) {
        accepted.set(i);
      }
    }
    if (accepted.isEmpty()) {
      return null;
    }
    return subsets.computeIfAbsent(accepted, this::subset);
  }

  private boolean acceptsAll(Connection member) {
    for (int op : ops) {
      if (!member.accepts(op)) {
        return false;
      }
    }
    return true;
  }

  private SharedPayload subset(BitSet accepted) {
    List<PushFrame> selected = new ArrayList<>(accepted.cardinality());
    accepted.stream().forEach(i -> selected.add(frames.get(i)));
    return new SharedPayload(alloc, selected);
  }

  /** Members the frames were queued to. */
  int recipients() {
    return recipients;
  }

  void release() {
    all.release();
    subsets.values().forEach(SharedPayload::release);
    subsets.clear();
  }
}
