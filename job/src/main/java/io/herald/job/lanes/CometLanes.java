package io.herald.job.lanes;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.herald.job.config.DeliveryConfig;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tracing.GrpcTracing;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.PushMsgResult;
import io.herald.proto.comet.v1.PushMsgsRequest;
import io.herald.proto.comet.v1.PushMsgsResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
 * <p>Unicast pushes ({@link CometCall#push}) queued one behind the other go out together, up to
 * {@code maxPushesPerCall}, in one {@code PushMsgs} call: while one call is under way the next
 * pushes wait in the lane, so the busier the Comet the more each call carries. Each push still ends
 * with its own outcome (one the Comet refuses is REJECTED, the others OK); a failure of the whole
 * call is retried for all of them together. A Comet that answers {@code PushMsgs} with
 * UNIMPLEMENTED (from before it) gets one {@code PushMsg} per push from then on.
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
  private final int pushesPerCall;
  private final ScheduledExecutorService loop;
  private final Executor callbacks;
  private final Clock clock;
  private final LaneMetrics metrics;
  private final RegistryWaits waits;
  private final Map<String, Lane> lanes = new HashMap<>();

  /**
   * The most a {@code PushMsgs} request may weigh: a quarter of gRPC's default 4 MiB inbound
   * message limit, so a batch of large pushes (1,000 keys, big bodies) never exceeds the Comet's
   * limit, and its reply (absent keys are some of the request's keys) never exceeds Job's.
   */
  public static final int MAX_BATCH_BYTES = 1 << 20;

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
    this.channels =
        new CometChannels(
            GrpcTracing.clientInterceptor(tracing),
            GrpcTls.client(
                "job", "comet", "delivery.cometTls", delivery.cometTls(), metrics.registry()));
    this.policy = new RetryPolicy(delivery);
    this.callTimeoutMillis = delivery.callTimeout().toMillis();
    this.pushesPerCall = delivery.maxPushesPerCall();
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
    if (!lane.busy()) {
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
      if (!live.contains(serverId) && (lane == null || !lane.busy())) {
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
      List<CometCall> calls = new ArrayList<>(lane.current);
      calls.addAll(lane.queue);
      lane.queue.clear();
      lane.current = List.of();
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

    /** The call under way, or the pushes under way in one PushMsgs; empty when idle. */
    List<CometCall> current = List.of();

    /** The Comet answered PushMsgs with UNIMPLEMENTED (it predates it): one PushMsg per push. */
    boolean singlePushes;

    ScheduledFuture<?> retry;

    Lane(String serverId) {
      this.serverId = serverId;
    }

    boolean busy() {
      return !current.isEmpty();
    }

    /**
     * Sends the next call; a push goes with the pushes queued right behind it, up to {@code
     * maxPushesPerCall}, in queue order.
     */
    void next() {
      CometCall head = queue.poll();
      if (head == null) {
        current = List.of();
        if (registry.node(serverId).isEmpty()) {
          lanes.remove(serverId);
          channels.close(serverId);
        }
        return;
      }
      if (head.push == null || singlePushes || pushesPerCall == 1) {
        current = List.of(head);
      } else {
        List<CometCall> group = new ArrayList<>();
        group.add(head);
        long bytes = head.push.getSerializedSize();
        while (group.size() < pushesPerCall
            && queue.peek() != null
            && queue.peek().push != null
            && bytes + queue.peek().push.getSerializedSize() <= MAX_BATCH_BYTES) {
          CometCall next = queue.poll();
          bytes += next.push.getSerializedSize();
          group.add(next);
        }
        current = group;
      }
      attempt(current);
    }

    /** Ends the calls of {@code group} with their outcomes, in order, then sends the next. */
    void end(List<CometCall> group, List<Outcome> outcomes) {
      if (current != group) {
        return; // ended by stop() while its reply was on the way
      }
      for (int i = 0; i < group.size(); i++) {
        finish(group.get(i), outcomes.get(i), true);
      }
      next();
    }

    void end(List<CometCall> group, Outcome outcome) {
      end(group, Collections.nCopies(group.size(), outcome));
    }

    void attempt(List<CometCall> group) {
      retry = null;
      if (current != group) {
        return;
      }
      List<CometCall> live = group;
      if (group.stream().anyMatch(call -> call.abandoned.getAsBoolean())) {
        live = new ArrayList<>();
        for (CometCall call : group) {
          if (call.abandoned.getAsBoolean()) {
            finish(call, Outcome.ABANDONED, true);
          } else {
            live.add(call);
          }
        }
        current = live;
        if (live.isEmpty()) {
          next();
          return;
        }
      }
      CometNode node = registry.node(serverId).orElse(null);
      if (node == null) {
        end(live, Outcome.GONE);
        return;
      }
      for (CometCall call : live) {
        call.attempts++;
      }
      CometCall head = live.get(0);
      ListenableFuture<?> reply;
      // The client interceptor sends the current span's context in the call's metadata: the first
      // call's, for a PushMsgs.
      try (Scope scope =
          head.span.getSpanContext().isValid() ? head.span.makeCurrent() : Scope.noop()) {
        CometGrpc.CometFutureStub stub =
            channels.stub(node).withDeadlineAfter(callTimeoutMillis, TimeUnit.MILLISECONDS);
        reply = live.size() == 1 ? head.send.apply(stub) : stub.pushMsgs(pushes(live));
      } catch (RuntimeException e) {
        reply = Futures.immediateFailedFuture(e);
      }
      List<CometCall> sent = live;
      Futures.addCallback(
          reply,
          new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
              if (result instanceof PushMsgsResponse replies) {
                answered(sent, replies);
              } else {
                end(sent, Outcome.OK);
              }
            }

            @Override
            public void onFailure(Throwable error) {
              failed(sent, error);
            }
          },
          callbacks);
    }

    /** A PushMsgs answered: each push ends with its own result. */
    void answered(List<CometCall> group, PushMsgsResponse replies) {
      if (current != group) {
        return;
      }
      if (replies.getResultsCount() != group.size()) {
        log.warn(
            "Comet {} answered {} results to a PushMsgs of {} pushes; retrying",
            serverId,
            replies.getResultsCount(),
            group.size());
        failed(group, Status.INTERNAL.withDescription("results mismatch").asException());
        return;
      }
      List<Outcome> outcomes = new ArrayList<>(group.size());
      for (int i = 0; i < group.size(); i++) {
        PushMsgResult result = replies.getResults(i);
        if (!result.getInvalid().isEmpty()) {
          log.warn(
              "Comet {} refused a {} call ({}); skipped",
              serverId,
              group.get(i).kind.tag,
              "INVALID_ARGUMENT: " + result.getInvalid());
          outcomes.add(Outcome.REJECTED);
        } else {
          if (result.getAbsentKeysCount() > 0) {
            group.get(i).absentKeys.accept(result.getAbsentKeysCount());
          }
          outcomes.add(Outcome.OK);
        }
      }
      end(group, outcomes);
    }

    void failed(List<CometCall> group, Throwable error) {
      if (current != group) {
        return;
      }
      CometCall head = group.get(0);
      Status status = Status.fromThrowable(error);
      if (group.size() > 1 && status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        // Larger than the Comet takes in one message (a limit below MAX_BATCH_BYTES): the first
        // push goes alone and the others are grouped again after it, so each such failure sends at
        // least one push on instead of retrying a batch that can never pass.
        log.info(
            "Comet {} refused a PushMsgs of {} pushes as too large ({}); splitting it",
            serverId,
            group.size(),
            status.getDescription());
        for (int i = group.size() - 1; i > 0; i--) {
          queue.addFirst(group.get(i));
        }
        current = List.of(head);
        attempt(current);
        return;
      }
      if (group.size() > 1 && status.getCode() == Status.Code.UNIMPLEMENTED) {
        // A Comet from before PushMsgs: these pushes, and the later ones, go one per call.
        log.info("Comet {} does not serve PushMsgs; sending it one PushMsg per push", serverId);
        singlePushes = true;
        for (int i = group.size() - 1; i > 0; i--) {
          queue.addFirst(group.get(i));
        }
        current = List.of(head);
        attempt(current);
        return;
      }
      if (!RetryPolicy.isTransient(status)) {
        log.warn(
            "Comet {} refused a {} call ({}); skipped",
            serverId,
            head.kind.tag,
            status.getCode() + ": " + status.getDescription());
        end(group, Outcome.REJECTED);
        return;
      }
      long now = clock.millis();
      for (CometCall call : group) {
        if (call.failures++ == 0) {
          call.firstFailureMillis = now;
        }
      }
      // The first call has failed longest: the others joined it at or after its first failure.
      if (policy.givesUp(head.firstFailureMillis, now)) {
        log.warn(
            "Comet {} failed a {} call for {} ms ({} attempts, last {}); given up",
            serverId,
            head.kind.tag,
            now - head.firstFailureMillis,
            head.failures,
            status.getCode());
        end(group, Outcome.GAVE_UP);
        return;
      }
      for (CometCall call : group) {
        metrics.retried(call.kind);
      }
      if (head.failures == 1) {
        log.debug("Comet {} failed a {} call ({}); retrying", serverId, head.kind.tag, status);
      }
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        channels.resetBackoff(serverId);
      }
      retry =
          loop.schedule(
              () -> attempt(group),
              policy.backoff(head.failures).toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** The PushMsgs request of {@code group}'s pushes, in order. */
  private static PushMsgsRequest pushes(List<CometCall> group) {
    PushMsgsRequest.Builder request = PushMsgsRequest.newBuilder();
    for (CometCall call : group) {
      request.addPushes(call.push);
    }
    return request.build();
  }
}
