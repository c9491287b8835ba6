package io.herald.job.dispatch;

import io.herald.job.broadcast.BroadcastDelivery;
import io.herald.job.config.BatchConfig;
import io.herald.job.config.DeliveryConfig;
import io.herald.job.lanes.CometLanes;
import io.herald.job.lanes.DispatcherStoppedException;
import io.herald.job.lanes.LaneMetrics;
import io.herald.job.rooms.RoomDelivery;
import io.herald.job.rooms.RoomMetrics;
import io.herald.job.unicast.UnicastDelivery;
import io.herald.job.unicast.UnicastMetrics;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryListener;
import io.herald.registry.RegistryView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers push records to the Comets concerned; the part of Job that does not know where records
 * come from (Kafka, or the in-process queue of {@code herald standalone}). It routes each record by
 * its type to the delivery that handles it, and runs their lifecycle:
 *
 * <ul>
 *   <li><b>Unicast</b> (KEYS, MIDS) → {@link UnicastDelivery}: {@code PushMsg} on the one Comet the
 *       record names.
 *   <li><b>Room</b> → {@link RoomDelivery}: merged per room into batches, {@code BroadcastRoom} on
 *       the Comets the records name.
 *   <li><b>Broadcast</b> → {@link BroadcastDelivery}: {@code Broadcast} on every registered Comet,
 *       the speed split among them.
 *   <li>Anything else, or a record missing what its type needs, is counted invalid and skipped.
 * </ul>
 *
 * <p><b>Guarantee.</b> {@link #dispatch} returns a future that completes normally once every Comet
 * call for the record has ended by policy: answered OK, or given up (Comet gone, request refused,
 * failing for {@code giveUpAfter}) and counted. Until then a transient failure is retried with
 * backoff. Calls to one Comet go out one at a time in dispatch order ({@link CometLanes}), so a
 * target's messages keep their queue order. It completes exceptionally with {@link
 * DispatcherStoppedException} only when Job stops first: the record must then be delivered again by
 * whoever takes its partition. Cancelling the future abandons the record: calls not yet sent for it
 * are dropped.
 *
 * <p>Threads: one loop thread ({@code herald-job-dispatch}) owns all state and runs the gRPC
 * callbacks; {@link #dispatch} may be called from any thread. The constructor does no I/O; {@link
 * #start()} and {@link #stop(Duration)} are idempotent.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final DeliveryConfig delivery;
  private final BatchConfig batch;
  private final RegistryView registry;
  private final Clock clock;
  private final DispatchMetrics metrics;
  private final LaneMetrics laneMetrics;
  private final UnicastMetrics unicastMetrics;
  private final RoomMetrics roomMetrics;
  private final RegistryListener listener = this::registryChanged;
  private final Tracing tracing;

  private volatile int pendingCalls;
  private ScheduledExecutorService loop;
  private CometLanes lanes;
  private UnicastDelivery unicast;
  private RoomDelivery rooms;
  private BroadcastDelivery broadcast;
  private boolean started;
  private volatile boolean stopped;

  public Dispatcher(
      DeliveryConfig delivery,
      BatchConfig batch,
      RegistryView registry,
      Clock clock,
      MeterRegistry meters) {
    this(delivery, batch, registry, clock, meters, Tracing.off());
  }

  /**
   * @param tracing traces each Comet call ({@code docs/tracing.md}), under the trace context a
   *     record is dispatched with
   */
  public Dispatcher(
      DeliveryConfig delivery,
      BatchConfig batch,
      RegistryView registry,
      Clock clock,
      MeterRegistry meters,
      Tracing tracing) {
    this.tracing = tracing;
    this.delivery = delivery;
    this.batch = batch;
    this.registry = registry;
    this.clock = clock;
    this.metrics = new DispatchMetrics(meters);
    this.laneMetrics = new LaneMetrics(meters);
    this.unicastMetrics = new UnicastMetrics(meters);
    this.roomMetrics = new RoomMetrics(meters);
    Gauge.builder("herald.job.calls.pending", this, d -> d.pendingCalls)
        .description("Comet calls queued or under way, retries included")
        .register(meters);
  }

  /** Starts the loop and follows the registry. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    loop =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "herald-job-dispatch");
              thread.setDaemon(true);
              return thread;
            });
    ScheduledExecutorService running = loop;
    // gRPC callbacks run on the loop; those arriving after it stopped have nothing left to do.
    Executor callbacks =
        task -> {
          try {
            running.execute(task);
          } catch (RejectedExecutionException e) {
            log.debug("A Comet reply arrived after the dispatcher stopped");
          }
        };
    lanes = new CometLanes(registry, delivery, loop, callbacks, clock, laneMetrics, tracing);
    unicast = new UnicastDelivery(delivery, lanes, unicastMetrics);
    rooms =
        new RoomDelivery(
            batch, delivery.unknownCometGrace(), registry, lanes, loop, clock, roomMetrics);
    broadcast = new BroadcastDelivery(registry, lanes);
    registry.addListener(listener);
    var unused =
        loop.scheduleWithFixedDelay(() -> pendingCalls = lanes.pending(), 0, 1, TimeUnit.SECONDS);
  }

  /**
   * Delivers one record; see the class comment for what the returned future means. Safe from any
   * thread.
   */
  public CompletableFuture<Void> dispatch(PushMsg msg) {
    return dispatch(msg, Context.root());
  }

  /**
   * Delivers one record as {@link #dispatch(PushMsg)}, its Comet calls traced under {@code trace}
   * (the record's span: they are its children, and carry it to the Comets).
   */
  public CompletableFuture<Void> dispatch(PushMsg msg, Context trace) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ScheduledExecutorService running = loop;
    if (running == null || stopped) {
      done.completeExceptionally(new DispatcherStoppedException("dispatcher not running"));
      return done;
    }
    try {
      running.execute(() -> route(msg, trace, done));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new DispatcherStoppedException("dispatcher stopped"));
    }
    return done;
  }

  /** The routing table: a record's type → what it must carry, and the delivery that handles it. */
  private void route(PushMsg msg, Context trace, CompletableFuture<Void> done) {
    if (stopped) {
      done.completeExceptionally(new DispatcherStoppedException("dispatcher stopped"));
      return;
    }
    switch (msg.getType()) {
      case PUSH_TYPE_KEYS, PUSH_TYPE_MIDS ->
          deliver(
              msg,
              trace,
              done,
              !msg.getServerId().isEmpty() && msg.getKeysCount() > 0,
              unicast::deliver);
      case PUSH_TYPE_ROOM -> deliver(msg, trace, done, !msg.getRoom().isEmpty(), rooms::deliver);
      case PUSH_TYPE_BROADCAST ->
          deliver(msg, trace, done, msg.getSpeed() >= 0, broadcast::deliver);
      default -> invalid(msg, done);
    }
    pendingCalls = lanes.pending();
  }

  /**
   * Hands a record to {@code delivery} if it carries what its type needs and is not an op-9 batch
   * (Job makes batches; a record cannot be one).
   */
  private void deliver(
      PushMsg msg,
      Context trace,
      CompletableFuture<Void> done,
      boolean routable,
      Delivery delivery) {
    if (!routable || msg.getOp() == 9) {
      invalid(msg, done);
      return;
    }
    metrics.consumed(msg.getType());
    delivery.deliver(msg, trace, done);
  }

  /** What handles one type of record. */
  private interface Delivery {
    void deliver(PushMsg msg, Context trace, CompletableFuture<Void> done);
  }

  private void invalid(PushMsg msg, CompletableFuture<Void> done) {
    metrics.invalid();
    log.warn(
        "Skipping a push record Job cannot route: type {}, message id {}",
        msg.getType(),
        msg.getMessageId());
    done.complete(null);
  }

  private void registryChanged(List<CometNode> nodes) {
    try {
      loop.execute(
          () -> lanes.registryChanged(nodes.stream().map(CometNode::getServerId).toList()));
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  /**
   * Completes once no Comet call is queued or under way (at once if none is); for tests and
   * diagnostics.
   */
  public CompletableFuture<Void> idle() {
    return CompletableFuture.supplyAsync(() -> lanes.idle(), loop).thenCompose(idle -> idle);
  }

  /**
   * Stops: sends the open room batches, waits up to {@code grace} for the calls under way, then
   * ends the rest (their records complete with {@link DispatcherStoppedException}) and closes the
   * channels. Idempotent.
   */
  public void stop(Duration grace) {
    ScheduledExecutorService running;
    synchronized (this) {
      if (!started || stopped) {
        stopped = true;
        return;
      }
      stopped = true;
      running = loop;
    }
    registry.removeListener(listener);
    try {
      CompletableFuture<Void> idle = new CompletableFuture<>();
      running.execute(
          () -> {
            rooms.flushAll();
            var unused = lanes.idle().whenComplete((ok, e) -> idle.complete(null));
          });
      idle.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.info("Job stopping with Comet calls still pending after {} ms", grace.toMillis());
    } catch (ExecutionException e) {
      log.warn("Stopping the dispatcher failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      running
          .submit(
              () -> {
                lanes.stop();
                rooms.stop();
              })
          .get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Stopping the dispatcher's calls failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.shutdownNow();
  }
}
