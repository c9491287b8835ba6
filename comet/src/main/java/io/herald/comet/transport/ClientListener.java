package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.logic.RoomAnnouncer;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.ConnectionIds;
import io.herald.comet.session.TransportKind;
import io.herald.proto.common.v1.Transport;
import io.herald.wire.FrameLimits;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@link ClientFrameHandler}s of one listener share: the collaborators they call and the
 * settings read once from the config. Per-connection state stays in the handler; this is what a
 * connection would otherwise carry in copies. One per initializer (one listener).
 */
final class ClientListener {
  private final TransportKind kind;
  private final Transport protoTransport;
  private final FrameLimits limits;
  private final TransportMetrics metrics;
  private final ProtocolErrors errors;
  private final UpstreamRate upstreamRate;
  private final SlowConsumerMetrics slowConsumers;
  private final ConnectionLimiter limiter;
  private final long maxUnwritableNanos;
  private final long handshakeTimeoutNanos;
  private final CometConfig.Heartbeat heartbeat;
  private final long renewalNanos;
  private final LogicCalls logic;
  private final Buckets buckets;
  private final RoomAnnouncer rooms;
  private final ConnectionIds connectionIds;
  private final DeliveryRequests delivery;
  private final Map<EventExecutor, SilenceSweep> sweeps = new ConcurrentHashMap<>();

  ClientListener(TransportContext context, TransportKind kind) {
    CometConfig config = context.config();
    this.kind = kind;
    this.protoTransport =
        switch (kind) {
          case TCP -> Transport.TRANSPORT_TCP;
          case TCP_TLS -> Transport.TRANSPORT_TCP_TLS;
          case WS -> Transport.TRANSPORT_WEBSOCKET;
          case WSS -> Transport.TRANSPORT_WEBSOCKET_TLS;
        };
    this.limits = new FrameLimits(config.protocol().maxBodyBytes());
    this.metrics = new TransportMetrics(context.meters());
    this.errors = new ProtocolErrors(metrics);
    this.upstreamRate =
        new UpstreamRate(config.limits().upstreamPerSecond(), config.limits().upstreamBurst());
    this.slowConsumers = context.slowConsumers();
    this.limiter = context.connectionLimiter();
    this.maxUnwritableNanos = config.outbound().maxUnwritable().toNanos();
    this.handshakeTimeoutNanos = config.protocol().handshakeTimeout().toNanos();
    this.heartbeat = config.heartbeat();
    this.renewalNanos = heartbeat.sessionRenewal().toNanos();
    this.logic = context.logic();
    this.buckets = context.buckets();
    this.rooms = context.rooms();
    this.connectionIds = context.connectionIds();
    this.delivery =
        new DeliveryRequests(
            context.deliveries(),
            context.cursors(),
            context.logic(),
            metrics,
            config.delivery().syncReplyMaxBytes());
  }

  /** ACK and SYNC. */
  DeliveryRequests delivery() {
    return delivery;
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

  UpstreamRate upstreamRate() {
    return upstreamRate;
  }

  SlowConsumerMetrics slowConsumers() {
    return slowConsumers;
  }

  ConnectionLimiter limiter() {
    return limiter;
  }

  long maxUnwritableNanos() {
    return maxUnwritableNanos;
  }

  /** How long a new connection has to send AUTH. */
  long handshakeTimeoutNanos() {
    return handshakeTimeoutNanos;
  }

  /** Logic's heartbeat interval when it names none. */
  long defaultHeartbeatMillis() {
    return heartbeat.interval().toMillis();
  }

  /**
   * The silence allowed a connection: interval x maxMissed, clamped to [minTimeout, maxTimeout].
   */
  long silenceTimeoutMillis(long intervalMillis) {
    long millis = Math.multiplyExact(intervalMillis, (long) heartbeat.maxMissed());
    millis = Math.max(millis, heartbeat.minTimeout().toMillis());
    return Math.min(millis, heartbeat.maxTimeout().toMillis());
  }

  /** How often inbound frames renew the session in Logic, at most. */
  long renewalNanos() {
    return renewalNanos;
  }

  LogicCalls logic() {
    return logic;
  }

  Buckets buckets() {
    return buckets;
  }

  /** Has Logic index the rooms members join, before they are answered. */
  RoomAnnouncer rooms() {
    return rooms;
  }

  ConnectionIds connectionIds() {
    return connectionIds;
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
