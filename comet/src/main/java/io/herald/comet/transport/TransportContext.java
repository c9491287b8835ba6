package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.logic.RoomAnnouncer;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.ConnectionIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * Everything the client pipelines need, built once per server and shared by its TCP and WebSocket
 * initializers.
 *
 * @param config the Comet's configuration (listen path, limits, heartbeats, watermarks)
 * @param serverId this Comet's server id, sent to Logic with every call
 * @param epoch this Comet's epoch (start time, Unix ms), sent with every session it records
 * @param buckets the connections and rooms of this Comet
 * @param logic the asynchronous client of Logic
 * @param meters where the transport's metrics go
 * @param clock wall-clock time; durations inside a connection follow its event loop's ticker
 * @param connectionLimiter the per-IP connection limit and open-connection gauges, shared by every
 *     listener of this server
 * @param slowConsumerMetrics the one set of slow-consumer meters of this server, shared by the
 *     {@link ClientHandler} of every channel
 * @param connectionIds hands each connection its id
 * @param rooms has Logic index the rooms members join, before they are answered
 */
public record TransportContext(
    CometConfig config,
    String serverId,
    long epoch,
    Buckets buckets,
    LogicClient logic,
    MeterRegistry meters,
    Clock clock,
    ConnectionLimiter connectionLimiter,
    SlowConsumerMetrics slowConsumerMetrics,
    ConnectionIds connectionIds,
    RoomAnnouncer rooms) {

  /**
   * A context with a fresh {@link SlowConsumerMetrics} in {@code meters}, connection ids and room
   * announcer: one per server.
   */
  public TransportContext(
      CometConfig config,
      String serverId,
      long epoch,
      Buckets buckets,
      LogicClient logic,
      MeterRegistry meters,
      Clock clock,
      ConnectionLimiter connectionLimiter) {
    this(
        config,
        serverId,
        epoch,
        buckets,
        logic,
        meters,
        clock,
        connectionLimiter,
        new SlowConsumerMetrics(meters),
        new ConnectionIds(),
        new RoomAnnouncer(logic, serverId, epoch, meters));
  }

  public TransportContext {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(buckets, "buckets");
    Objects.requireNonNull(logic, "logic");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(connectionLimiter, "connectionLimiter");
    Objects.requireNonNull(slowConsumerMetrics, "slowConsumerMetrics");
    Objects.requireNonNull(connectionIds, "connectionIds");
    Objects.requireNonNull(rooms, "rooms");
  }
}
