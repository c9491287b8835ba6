package io.herald.job.lanes;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.herald.job.config.DeliveryConfig;
import io.herald.ops.tracing.GrpcTracing;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane per Comet: its calls go out one at a time, in the order they were submitted, so one
 * target's messages reach its Comet in queue order, retries included (a failing call holds back the
 * calls behind it to the same Comet, and no other Comet's).
 *
 * <p>A call that fails transiently is retried with backoff ({@link RetryPolicy}) while its Comet is
 * registered; a Comet that left the registry ends its calls as {@link Outcome#GONE}; a call that
 * keeps failing ends as {@link Outcome#GAVE_UP} after {@code giveUpAfter}; a refused one as {@link
 * Outcome#REJECTED}. Calls whose records were abandoned are dropped unsent. Work for a Comet this
 * Job does not see registered yet waits for it ({@link #whenRegistered}). The calls go over one
 * gRPC channel per Comet ({@link CometChannels}).
 *
 * <p>Everything runs on the dispatcher's loop, which also runs the gRPC callbacks: no locks.
 */
public final class CometLanes {
  private static final Logger log = LoggerFactory.getLogger(CometLanes.class);

  private final RegistryView registry;
  private final CometChannels channels;
  private final Tracing tracing;
  private final RetryPolicy policy;
  private final long callTimeoutMillis;
  private final ScheduledExecutorService loop;
  private final Executor callbacks;
  private final Clock clock;
  private final LaneMetrics metrics;
  private final RegistryWaits waits;
  private final Map<String, Lane> lanes = new HashMap<>();
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
  private int pending;
  private boolean stopped;

  /**
   * @param loop the dispatcher's loop, which every method is called on
   * @param callbacks runs the gRPC callbacks on {@code loop}
   */
  public CometLanes(
      RegistryView registry,
      DeliveryConfig delivery,
      ScheduledExecutorService loop,
      Executor callbacks,
      Clock clock,
      LaneMetrics metrics) {
    this(registry, delivery, loop, callbacks, clock, metrics, Tracing.off());
  }

  /**
   * @param tracing traces each call as a client span ({@code herald.comet.v1.Comet/<Method>}) and
   *     sends its context to the Comet in the call's metadata
   */
  public CometLanes(
      RegistryView registry,
      DeliveryConfig delivery,
      ScheduledExecutorService loop,
      Executor callbacks,
      Clock clock,
      LaneMetrics metrics,
      Tracing tracing) {
    this.registry = registry;
    this.tracing = tracing;
    this.channels = new CometChannels(GrpcTracing.clientInterceptor(tracing));
    this.policy = new RetryPolicy(delivery);
    this.callTimeoutMillis = delivery.callTimeout().toMillis();
    this.loop = loop;
    this.callbacks = callbacks;
    this.clock = clock;
    this.metrics = metrics;
    this.waits = new RegistryWaits(registry, loop, clock, metrics);
  }

  /** Queues {@code call} on its Comet's lane; returns its outcome. */
  public CompletableFuture<Outcome> submit(CometCall call) {
    call.span = tracing.startFor(call.kind.method, SpanKind.CLIENT, call.traces);
    if (call.span.isRecording()) {
      call.span.setAttribute("rpc.system", "grpc");
      call.span.setAttribute("rpc.service", call.kind.service);
      call.span.setAttribute("rpc.method", call.kind.methodName);
      call.span.setAttribute(PushAttributes.SERVER_ID, call.serverId);
      if (call.traces.size() > 1) {
        call.span.setAttribute(PushAttributes.BATCH_MESSAGES, call.traces.size());
      }
    }
    if (stopped) {
      finish(call, Outcome.STOPPED, false);
      return call.done;
    }
    pending++;
    Lane lane = lanes.computeIfAbsent(call.serverId, Lane::new);
    lane.queue.add(call);
    if (lane.current == null) {
      lane.next();
    }
    return call.done;
  }

  /**
   * Runs {@code send} (which submits calls to {@code serverId}) once this Job sees {@code serverId}
   * registered: at once if it does. Logic may route a push to a Comet that registered a moment ago,
   * before this Job's registry view lists it; such work waits for the Comet until {@code
   * deadlineUnixMs}, then ends as {@link Outcome#GONE} unsent (counted as one {@code kind} call).
   * It ends as {@link Outcome#STOPPED} if the lanes stop first.
   *
   * @return how the work ended: {@code send}'s outcome, or GONE, or STOPPED
   */
  public CompletableFuture<Outcome> whenRegistered(
      String serverId,
      long deadlineUnixMs,
      CallKind kind,
      Supplier<CompletableFuture<Outcome>> send) {
    return waits.whenRegistered(serverId, deadlineUnixMs, kind, send);
  }

  /** Calls submitted and not yet ended. */
  public int pending() {
    return pending;
  }

  /** Completes when no call is pending (at once if none is). */
  public CompletableFuture<Void> idle() {
    if (pending == 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> idle = new CompletableFuture<>();
    idleWaiters.add(idle);
    return idle;
  }

  /**
   * The registry now lists {@code registered}: the work waiting for any of them goes ahead, and the
   * channels of Comets that left it and have nothing queued are closed.
   */
  public void registryChanged(Collection<String> registered) {
    Set<String> live = Set.copyOf(registered);
    for (String serverId : channels.open()) {
      Lane lane = lanes.get(serverId);
      if (!live.contains(serverId) && (lane == null || lane.current == null)) {
        lanes.remove(serverId);
        channels.close(serverId);
      }
    }
    waits.registryChanged(live);
  }

  /**
   * Ends every queued and running call as {@link Outcome#STOPPED}, later submits too, and the work
   * waiting for a Comet to register; closes the channels.
   */
  public void stop() {
    stopped = true;
    for (Lane lane : List.copyOf(lanes.values())) {
      if (lane.retry != null) {
        lane.retry.cancel(false);
      }
      List<CometCall> calls = new ArrayList<>(lane.queue);
      lane.queue.clear();
      if (lane.current != null) {
        calls.add(0, lane.current);
        lane.current = null;
      }
      calls.forEach(call -> finish(call, Outcome.STOPPED, true));
    }
    lanes.clear();
    waits.stop();
    channels.close();
  }

  /** Ends {@code call}; {@code queued} if it was counted in {@link #pending}. */
  private void finish(CometCall call, Outcome outcome, boolean queued) {
    if (queued) {
      pending--;
    }
    metrics.call(call.kind, outcome);
    if (outcome == Outcome.OK) {
      metrics.latency(call.kind, call.acceptUnixMs, clock.millis());
    }
    if (call.span.isRecording()) {
      call.span.setAttribute(PushAttributes.CALL_OUTCOME, outcome.tag);
      call.span.setAttribute(PushAttributes.CALL_ATTEMPTS, call.attempts);
      if (outcome != Outcome.OK) {
        call.span.setStatus(StatusCode.ERROR, outcome.tag);
      }
      call.span.end();
    }
    call.done.complete(outcome);
    if (pending == 0 && !idleWaiters.isEmpty()) {
      List<CompletableFuture<Void>> waiters = List.copyOf(idleWaiters);
      idleWaiters.clear();
      waiters.forEach(w -> w.complete(null));
    }
  }

  private final class Lane {
    final String serverId;
    final ArrayDeque<CometCall> queue = new ArrayDeque<>();
    CometCall current;
    ScheduledFuture<?> retry;

    Lane(String serverId) {
      this.serverId = serverId;
    }

    void next() {
      current = queue.poll();
      if (current != null) {
        attempt(current);
      } else if (registry.node(serverId).isEmpty()) {
        lanes.remove(serverId);
        channels.close(serverId);
      }
    }

    void end(CometCall call, Outcome outcome) {
      if (current != call) {
        return; // ended by stop() while its reply was on the way
      }
      finish(call, outcome, true);
      next();
    }

    void attempt(CometCall call) {
      retry = null;
      if (current != call) {
        return;
      }
      if (call.abandoned.getAsBoolean()) {
        end(call, Outcome.ABANDONED);
        return;
      }
      CometNode node = registry.node(serverId).orElse(null);
      if (node == null) {
        end(call, Outcome.GONE);
        return;
      }
      ListenableFuture<?> reply;
      call.attempts++;
      // The client interceptor sends the current span's context in the call's metadata.
      try (Scope current =
          call.span.getSpanContext().isValid() ? call.span.makeCurrent() : Scope.noop()) {
        reply =
            call.send.apply(
                channels.stub(node).withDeadlineAfter(callTimeoutMillis, TimeUnit.MILLISECONDS));
      } catch (RuntimeException e) {
        reply = Futures.immediateFailedFuture(e);
      }
      Futures.addCallback(
          reply,
          new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
              end(call, Outcome.OK);
            }

            @Override
            public void onFailure(Throwable error) {
              failed(call, error);
            }
          },
          callbacks);
    }

    void failed(CometCall call, Throwable error) {
      if (current != call) {
        return;
      }
      Status status = Status.fromThrowable(error);
      if (!RetryPolicy.isTransient(status)) {
        log.warn(
            "Comet {} refused a {} call ({}); skipped",
            serverId,
            call.kind.tag,
            status.getCode() + ": " + status.getDescription());
        end(call, Outcome.REJECTED);
        return;
      }
      long now = clock.millis();
      if (call.failures++ == 0) {
        call.firstFailureMillis = now;
      }
      if (policy.givesUp(call.firstFailureMillis, now)) {
        log.warn(
            "Comet {} failed a {} call for {} ms ({} attempts, last {}); given up",
            serverId,
            call.kind.tag,
            now - call.firstFailureMillis,
            call.failures,
            status.getCode());
        end(call, Outcome.GAVE_UP);
        return;
      }
      metrics.retried(call.kind);
      if (call.failures == 1) {
        log.debug("Comet {} failed a {} call ({}); retrying", serverId, call.kind.tag, status);
      }
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        channels.resetBackoff(serverId);
      }
      retry =
          loop.schedule(
              () -> attempt(call), policy.backoff(call.failures).toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
