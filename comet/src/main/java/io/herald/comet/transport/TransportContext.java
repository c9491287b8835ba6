package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.logic.CometInstance;
import io.herald.comet.logic.CursorBatcher;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.logic.RoomAnnouncer;
import io.herald.comet.push.Deliveries;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.ConnectionIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What every client listener of one server shares, built once per server and handed to its TCP and
 * WebSocket initializers: the config, the buckets, the calls to Logic, the connection limiter, the
 * slow-consumer meters, the connection ids and the room announcer. Each initializer copies what its
 * handlers need into its own {@link ClientListener}.
 */
public final class TransportContext {
  private final CometConfig config;
  private final Buckets buckets;
  private final MeterRegistry meters;
  private final ConnectionLimiter connectionLimiter;
  private final LogicCalls logic;
  private final SlowConsumerMetrics slowConsumers;
  private final ConnectionIds connectionIds;
  private final RoomAnnouncer rooms;
  private final Deliveries deliveries;
  private final CursorBatcher cursors;

  /**
   * @param config the Comet's configuration (listen path, limits, heartbeats, watermarks)
   * @param self this Comet as Logic knows it, named in every call to Logic
   * @param buckets the connections and rooms of this Comet
   * @param logic the asynchronous client of Logic
   * @param meters where the transport's metrics go
   * @param connectionLimiter the per-IP connection limit and open-connection gauges
   * @param deliveries the acked and stored deliveries (shared with the Comet's pusher)
   * @param cursors where acked inbox positions wait for {@code Logic.Ack}
   */
  public TransportContext(
      CometConfig config,
      CometInstance self,
      Buckets buckets,
      LogicClient logic,
      MeterRegistry meters,
      ConnectionLimiter connectionLimiter,
      Deliveries deliveries,
      CursorBatcher cursors) {
    this.config = Objects.requireNonNull(config, "config");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.connectionLimiter = Objects.requireNonNull(connectionLimiter, "connectionLimiter");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(logic, "logic");
    this.logic = new LogicCalls(logic, self);
    this.slowConsumers = new SlowConsumerMetrics(meters);
    this.connectionIds = new ConnectionIds();
    this.rooms = new RoomAnnouncer(logic, self, meters);
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.cursors = Objects.requireNonNull(cursors, "cursors");
  }

  Deliveries deliveries() {
    return deliveries;
  }

  CursorBatcher cursors() {
    return cursors;
  }

  CometConfig config() {
    return config;
  }

  Buckets buckets() {
    return buckets;
  }

  MeterRegistry meters() {
    return meters;
  }

  ConnectionLimiter connectionLimiter() {
    return connectionLimiter;
  }

  LogicCalls logic() {
    return logic;
  }

  SlowConsumerMetrics slowConsumers() {
    return slowConsumers;
  }

  ConnectionIds connectionIds() {
    return connectionIds;
  }

  RoomAnnouncer rooms() {
    return rooms;
  }
}
