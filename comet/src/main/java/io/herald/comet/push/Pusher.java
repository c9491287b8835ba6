package io.herald.comet.push;

import com.google.protobuf.ByteString;
import io.herald.comet.config.CometConfig;
import io.herald.comet.push.WriteMetrics.Kind;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.Room;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Writes pushes to this Comet's connections: to device keys, to a room's members, to everyone. Each
 * push is encoded once per protocol version and the same memory is shared by every recipient of
 * that version (a retained duplicate each, never a copy). A connection receives a frame only if it
 * accepts the frame's op; ops it does not accept are skipped silently (filtering is the client's
 * choice, not a loss). Every write goes through one place that respects {@code isWritable()}: a
 * push to a channel whose outbound queue is full is dropped and counted ({@code
 * herald.comet.push.dropped{reason=unwritable}}).
 *
 * <p>Delivery is best-effort: a method returning means the frames were handed to the channels'
 * outbound queues, not that clients received them. Safe from any thread; does no I/O itself and
 * starts no threads.
 *
 * <p>Metrics: {@code herald.comet.pushes{kind=keys|room|broadcast}} (frames written) and {@code
 * herald.comet.push.dropped{reason=unwritable|closed|stopped}} (frames not written).
 */
public final class Pusher {
  private final Buckets buckets;
  private final ScheduledExecutorService pacer;
  private final ByteBufAllocator alloc;
  private final WriteMetrics metrics;
  private final OutboundWriter writer;
  private final Deliveries deliveries;

  /**
   * A pusher whose paced broadcasts run on the event loop of their first recipient's channel (so
   * they stop when the Comet's event loops shut down), with the default delivery settings.
   */
  public Pusher(Buckets buckets, MeterRegistry registry) {
    this(buckets, registry, (ScheduledExecutorService) null);
  }

  /** A pusher whose acked and stored deliveries go through {@code deliveries}. */
  public Pusher(Buckets buckets, MeterRegistry registry, Deliveries deliveries) {
    this(buckets, registry, null, deliveries);
  }

  /**
   * A pusher whose paced broadcasts run on {@code pacer}; they stop (counted as dropped with {@code
   * reason=stopped}) when it shuts down.
   */
  public Pusher(Buckets buckets, MeterRegistry registry, ScheduledExecutorService pacer) {
    this(buckets, registry, pacer, new Deliveries(CometConfig.Delivery.defaults(), registry));
  }

  private Pusher(
      Buckets buckets,
      MeterRegistry registry,
      ScheduledExecutorService pacer,
      Deliveries deliveries) {
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.pacer = pacer;
    this.alloc = ByteBufAllocator.DEFAULT;
    this.metrics = new WriteMetrics(Objects.requireNonNull(registry, "registry"));
    this.writer = new OutboundWriter(metrics);
  }

  /**
   * Writes one frame ({@code op}, seq 0, {@code body}) to the connection of each key held here that
   * accepts {@code op}, in that connection's version. {@code body} is encoded as it is, not copied.
   *
   * @return the keys with no connection here (closed, or on another Comet), in request order
   * @throws IllegalArgumentException if {@code op} is 9 (batches are made here)
   */
  public List<String> pushKeys(Collection<String> keys, int op, ByteString body) {
    return pushKeys(keys, Delivery.bestEffort(op, body));
  }

  /**
   * Writes {@code delivery} to the connection of each key held here that accepts its op: version 1
   * connections and best-effort messages get the plain frame ({@code op}, seq 0, body); acked or
   * stored messages to version 2 connections go through the {@link Deliveries} (op 26, or an op-27
   * notice; acked ones resent until acked).
   *
   * @return the keys with no connection here (closed, or on another Comet), in request order
   * @throws IllegalArgumentException if the op is 9 (batches are made here)
   */
  public List<String> pushKeys(Collection<String> keys, Delivery delivery) {
    int op = delivery.op();
    if (op == Op.RAW) {
      throw new IllegalArgumentException("frames: an op-9 frame (batches are made here)");
    }
    List<String> absent = new ArrayList<>();
    SharedPayload payload = null;
    try {
      for (String key : keys) {
        Connection connection = buckets.get(key);
        if (connection == null) {
          absent.add(key);
        } else if (!connection.accepts(op)) {
          continue;
        } else if (delivery.tracked() && connection.version() != ProtocolVersion.V1) {
          deliveries.deliver(connection, delivery);
        } else {
          if (payload == null) {
            payload = single(op, delivery.body());
          }
          writer.write(connection, payload, Kind.KEYS);
        }
      }
    } finally {
      if (payload != null) {
        payload.release();
      }
    }
    return absent;
  }

  /**
   * Writes {@code frames} to every member of {@code roomId} here: one frame as itself, several as
   * one op-9 batch. Each frame is filtered by the member's accepted ops: a member accepting only
   * some of them gets a batch of those (or the one frame), one accepting none gets nothing.
   *
   * @return the members the frames were queued to; 0 if the room has no member here
   * @throws IllegalArgumentException if {@code frames} is empty or holds an op-9 frame
   */
  public int broadcastRoom(String roomId, List<PushFrame> frames) {
    RoomBroadcast broadcast = new RoomBroadcast(alloc, writer, frames);
    try {
      Room room = buckets.room(roomId);
      if (room == null) {
        return 0;
      }
      room.forEach(broadcast);
      return broadcast.recipients();
    } finally {
      broadcast.release();
    }
  }

  /**
   * Writes one frame ({@code op}, seq 0, {@code body}) to every connection here that accepts {@code
   * op}. With {@code speed > 0} at most {@code speed} connections are written per second: the first
   * chunk before this returns, the rest in the background; a later broadcast does not cancel an
   * earlier one. The recipients are the connections present when it is called.
   *
   * @param speed connections written per second; 0 = all at once
   * @return the connections the broadcast is scheduled for
   * @throws IllegalArgumentException if {@code speed} is negative or {@code op} is 9
   */
  public long broadcast(int op, ByteString body, int speed) {
    if (speed < 0) {
      throw new IllegalArgumentException("speed: " + speed + " (expected: >= 0, 0 = unpaced)");
    }
    List<Connection> recipients = new ArrayList<>();
    buckets.forEachConnection(
        connection -> {
          if (connection.accepts(op)) {
            recipients.add(connection);
          }
        });
    if (recipients.isEmpty()) {
      return 0;
    }
    SharedPayload payload = single(op, body);
    if (speed > 0) {
      ScheduledExecutorService scheduler =
          pacer != null ? pacer : recipients.get(0).channel().eventLoop();
      new PacedBroadcast(recipients, payload, writer, metrics, scheduler, speed).run();
    } else {
      try {
        for (Connection connection : recipients) {
          writer.write(connection, payload, Kind.BROADCAST);
        }
      } finally {
        payload.release();
      }
    }
    return recipients.size();
  }

  private SharedPayload single(int op, ByteString body) {
    return new SharedPayload(alloc, List.of(new PushFrame(op, 0, body)));
  }
}
