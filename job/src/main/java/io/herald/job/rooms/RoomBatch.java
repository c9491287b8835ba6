package io.herald.job.rooms;

import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.common.v1.Frame;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Consecutive messages of one room, in queue order, sent together as one {@code BroadcastRoom}
 * (written to each member as one op-9 batch).
 *
 * @param room the room id, {@code type://id}
 * @param frames the messages, oldest first
 * @param bytes the sum of the frames' body sizes
 * @param oldestAcceptUnixMs when Logic accepted the oldest message
 * @param records one completion per message, completed when the batch has been handled
 * @param servers the Comets the batch goes to: every Comet any of its messages names ({@code
 *     PushMsg.room_servers}); {@code null} when a message did not name them, for every Comet
 * @param traces the trace contexts of the messages that came with one
 */
record RoomBatch(
    String room,
    List<Frame> frames,
    int bytes,
    long oldestAcceptUnixMs,
    List<CompletableFuture<Void>> records,
    Set<String> servers,
    List<Context> traces) {

  RoomBatch {
    frames = List.copyOf(frames);
    records = List.copyOf(records);
    traces = List.copyOf(traces);
    servers = servers == null ? null : Set.copyOf(servers);
  }

  /** The batch's {@code BroadcastRoom} request. */
  BroadcastRoomRequest request() {
    return BroadcastRoomRequest.newBuilder()
        .setRoomId(room)
        .addAllFrames(frames)
        .setAcceptUnixMs(oldestAcceptUnixMs)
        .build();
  }

  /** Whether every message's record was abandoned (its partition was revoked or lost). */
  boolean abandoned() {
    return records.stream().allMatch(CompletableFuture::isCancelled);
  }
}
