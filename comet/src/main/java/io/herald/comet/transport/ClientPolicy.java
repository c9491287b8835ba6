package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.TransportKind;
import io.herald.proto.common.v1.Transport;
import io.herald.wire.FrameLimits;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the {@link ClientHandler}s of one listener share: settings read once from the config, the
 * meters, and the silence sweep of each event loop. Per-connection state stays in the handler; this
 * is what a connection would otherwise carry in copies. One per initializer.
 */
final class ClientPolicy {
  private final TransportContext context;
  private final TransportKind kind;
  private final Transport protoTransport;
  private final FrameLimits limits;
  private final TransportMetrics metrics;
  private final ProtocolErrors errors;
  private final long rateIntervalNanos;
  private final long rateToleranceNanos;
  private final int ratePerSecond;
  private final long maxUnwritableNanos;
  private final long renewalNanos;
  private final Map<EventExecutor, SilenceSweep> sweeps = new ConcurrentHashMap<>();

  ClientPolicy(TransportContext context, TransportKind kind, FrameLimits limits) {
    this.context = context;
    this.kind = kind;
    this.protoTransport =
        switch (kind) {
          case TCP -> Transport.TRANSPORT_TCP;
          case TCP_TLS -> Transport.TRANSPORT_TCP_TLS;
          case WS -> Transport.TRANSPORT_WEBSOCKET;
          case WSS -> Transport.TRANSPORT_WEBSOCKET_TLS;
        };
    this.limits = limits;
    this.metrics = new TransportMetrics(context.meters());
    this.errors = new ProtocolErrors(metrics);
    CometConfig config = context.config();
    // The upstream token bucket as a virtual schedule (GCRA): one token every interval, and a
    // full bucket lets a frame through up to (burst - 1) intervals ahead of that schedule.
    this.ratePerSecond = config.limits().upstreamPerSecond();
    this.rateIntervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
    this.rateToleranceNanos = (config.limits().upstreamBurst() - 1) * rateIntervalNanos;
    this.maxUnwritableNanos = config.outbound().maxUnwritable().toNanos();
    this.renewalNanos = config.heartbeat().sessionRenewal().toNanos();
  }

  TransportContext context() {
    return context;
  }

  /** The transport of the listener. */
  TransportKind kind() {
    return kind;
  }

  /** The transport of the listener, for {@code ConnectRequest.transport}. */
  Transport protoTransport() {
    return protoTransport;
  }

  /** The frame limits, also inside op-9 batches from clients. */
  FrameLimits limits() {
    return limits;
  }

  TransportMetrics metrics() {
    return metrics;
  }

  ProtocolErrors errors() {
    return errors;
  }

  SlowConsumerMetrics slowConsumers() {
    return context.slowConsumerMetrics();
  }

  /** Upstream rate: nanoseconds between tokens. */
  long rateIntervalNanos() {
    return rateIntervalNanos;
  }

  /** Upstream rate: how far ahead of its schedule a connection may run (a full bucket). */
  long rateToleranceNanos() {
    return rateToleranceNanos;
  }

  int ratePerSecond() {
    return ratePerSecond;
  }

  long maxUnwritableNanos() {
    return maxUnwritableNanos;
  }

  /** How often inbound frames renew the session in Logic, at most. */
  long renewalNanos() {
    return renewalNanos;
  }

  /** The silence sweep of {@code loop}, created at its first connection. */
  SilenceSweep sweep(EventExecutor loop) {
    return sweeps.computeIfAbsent(loop, l -> new SilenceSweep(l, this::sweepDone));
  }

  /** The sweep of a loop without authenticated connections, or {@code null}. */
  SilenceSweep existingSweep(EventExecutor loop) {
    return sweeps.get(loop);
  }

  private void sweepDone(SilenceSweep sweep) {
    sweeps.remove(sweep.loop(), sweep);
  }
}
