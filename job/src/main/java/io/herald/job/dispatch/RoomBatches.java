package io.herald.job.dispatch;

import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.registry.v1.CometNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Room records on their way: merged by the {@link RoomBatcher}, flushed by size at once or by a
 * timer at the end of their window, and each batch sent with {@code BroadcastRoom} to the Comets
 * the {@link RoomIndexRefresher room index} names. A batch no Comet holds members for is skipped
 * (counted). Runs on the dispatcher's loop.
 */
final class RoomBatches {
  private final RoomBatcher batcher;
  private final RoomIndexRefresher rooms;
  private final CometLanes lanes;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final DispatchMetrics metrics;
  private ScheduledFuture<?> flushTimer;
  private long flushAt = Long.MAX_VALUE;

  RoomBatches(
      RoomBatcher batcher,
      RoomIndexRefresher rooms,
      CometLanes lanes,
      ScheduledExecutorService loop,
      Clock clock,
      DispatchMetrics metrics) {
    this.batcher = batcher;
    this.rooms = rooms;
    this.lanes = lanes;
    this.loop = loop;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Adds a room record; {@code done} completes when its batch has been handled. */
  void add(PushMsg msg, CompletableFuture<Void> done) {
    send(batcher.add(msg.getRoom(), CometRequests.frame(msg), msg.getAcceptUnixMs(), done));
    scheduleFlush();
  }

  /** Sends every open batch now (when stopping). */
  void flushAll() {
    send(batcher.drain());
  }

  /** Fails the records of batches still open: they are delivered again after a restart. */
  void stop() {
    if (flushTimer != null) {
      flushTimer.cancel(false);
    }
    for (RoomBatch batch : batcher.drain()) {
      batch
          .records()
          .forEach(r -> r.completeExceptionally(new DispatcherStoppedException("stopped")));
    }
  }

  private void scheduleFlush() {
    long due = batcher.nextDue().orElse(Long.MAX_VALUE);
    if (due >= flushAt) {
      return;
    }
    if (flushTimer != null) {
      flushTimer.cancel(false);
    }
    flushAt = due;
    flushTimer =
        loop.schedule(this::flushDue, Math.max(0, due - clock.millis()), TimeUnit.MILLISECONDS);
  }

  private void flushDue() {
    flushTimer = null;
    flushAt = Long.MAX_VALUE;
    send(batcher.due());
    scheduleFlush();
  }

  private void send(List<RoomBatch> batches) {
    for (RoomBatch batch : batches) {
      if (batch.abandoned()) {
        continue;
      }
      List<CometNode> targets = rooms.cometsFor(batch.room());
      if (targets.isEmpty()) {
        metrics.roomSkipped();
        batch.records().forEach(record -> record.complete(null));
        continue;
      }
      metrics.batch(batch);
      BroadcastRoomRequest request = CometRequests.broadcastRoom(batch);
      List<CompletableFuture<Outcome>> calls = new ArrayList<>(targets.size());
      for (CometNode node : targets) {
        calls.add(
            lanes.submit(
                new CometCall(
                    CallKind.ROOM,
                    node.getServerId(),
                    stub -> stub.broadcastRoom(request),
                    batch.oldestAcceptUnixMs(),
                    batch::abandoned)));
      }
      RecordCompletion.whenAll(calls, batch.records(), false, metrics);
    }
  }
}
