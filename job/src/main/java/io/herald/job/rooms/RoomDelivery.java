package io.herald.job.rooms;

import io.herald.job.config.BatchConfig;
import io.herald.job.lanes.CallKind;
import io.herald.job.lanes.CometCall;
import io.herald.job.lanes.CometLanes;
import io.herald.job.lanes.DispatcherStoppedException;
import io.herald.job.lanes.Outcome;
import io.herald.job.lanes.RecordCompletion;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.common.v1.Frame;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Room records on their way: merged by the {@link RoomBatcher}, flushed by size at once or by a
 * timer at the end of their window, and each batch sent with {@code BroadcastRoom} to the Comets
 * its records name ({@code PushMsg.room_servers}: those Logic's room index said hold members when
 * it accepted them), or to every registered Comet when a record names none. A named Comet this Job
 * does not see registered yet is waited for, up to {@code unknownCometGrace} after the batch's
 * oldest accept. A batch that goes nowhere is skipped (counted). Runs on the dispatcher's loop.
 */
public final class RoomDelivery {
  private final RoomBatcher batcher;
  private final RegistryView registry;
  private final long graceMillis;
  private final CometLanes lanes;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final RoomMetrics metrics;
  private ScheduledFuture<?> flushTimer;
  private long flushAt = Long.MAX_VALUE;

  /**
   * @param loop the dispatcher's loop, which every method is called on and runs the flushes
   */
  public RoomDelivery(
      BatchConfig batch,
      Duration unknownCometGrace,
      RegistryView registry,
      CometLanes lanes,
      ScheduledExecutorService loop,
      Clock clock,
      RoomMetrics metrics) {
    this.batcher = new RoomBatcher(batch, clock);
    this.registry = registry;
    this.graceMillis = unknownCometGrace.toMillis();
    this.lanes = lanes;
    this.loop = loop;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Adds a room record; {@code done} completes when its batch has been handled. The batch's calls
   * are traced under {@code trace} when the batch holds this record alone, and linked to it (and to
   * the others' traces) when it holds several ({@link CometCall}).
   */
  public void deliver(PushMsg msg, Context trace, CompletableFuture<Void> done) {
    send(
        batcher.add(
            msg.getRoom(),
            Frame.newBuilder().setOp(msg.getOp()).setBody(msg.getBody()).build(),
            msg.getAcceptUnixMs(),
            msg.getRoomServersKnown() ? msg.getRoomServersList() : null,
            done,
            trace));
    scheduleFlush();
  }

  /** Sends every open batch now (when stopping). */
  public void flushAll() {
    send(batcher.drain());
  }

  /** Fails the records of batches still open: they are delivered again after a restart. */
  public void stop() {
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
      Collection<String> targets =
          batch.servers() != null
              ? batch.servers()
              : registry.nodes().stream().map(CometNode::getServerId).toList();
      if (targets.isEmpty()) {
        metrics.skipped();
        batch.records().forEach(record -> record.complete(null));
        continue;
      }
      metrics.batch(batch);
      BroadcastRoomRequest request = batch.request();
      long deadline = batch.oldestAcceptUnixMs() + graceMillis;
      List<CompletableFuture<Outcome>> calls = new ArrayList<>(targets.size());
      for (String serverId : new TreeSet<>(targets)) {
        calls.add(
            lanes.whenRegistered(
                serverId,
                deadline,
                CallKind.ROOM,
                () ->
                    lanes.submit(
                        new CometCall(
                            CallKind.ROOM,
                            serverId,
                            stub -> stub.broadcastRoom(request),
                            batch.oldestAcceptUnixMs(),
                            batch::abandoned,
                            batch.traces()))));
      }
      RecordCompletion.whenAll(calls, batch.records());
    }
  }
}
