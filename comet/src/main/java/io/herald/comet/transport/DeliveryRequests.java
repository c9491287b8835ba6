package io.herald.comet.transport;

import io.herald.comet.logic.CursorBatcher;
import io.herald.comet.push.Deliveries;
import io.herald.comet.session.Connection;
import io.herald.proto.common.v1.InboxMessage;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.MalformedBodyException;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery requests of an authenticated connection, both protocol versions alike:
 *
 * <ul>
 *   <li>op 18 ACK ({@link AckBody}): its message ids are no longer resent ({@link Deliveries}); a
 *       seq above 0 moves the device's inbox cursor through the {@link CursorBatcher}.
 *   <li>op 19 SYNC ({@link SyncBody}): {@code Logic.Sync}, answered with op 20 under the SYNC's
 *       seq: the {@link SyncReply} head and the messages as op-26 frames in the connection's
 *       version, at most {@code delivery.syncReplyMaxBytes} in all (at least one message; {@code
 *       more} set when cut). When Logic fails the op-20 body is empty: "could not sync now, retry
 *       later". One SYNC at a time per connection: another meanwhile is counted and ignored.
 * </ul>
 *
 * <p>A malformed body is counted ({@code herald.comet.requests.invalid{reason=malformed_ack|
 * malformed_sync}}) and ignored; the connection stays. One per listener; runs on each connection's
 * event loop.
 */
final class DeliveryRequests {
  private static final Logger log = LoggerFactory.getLogger(DeliveryRequests.class);

  private final Deliveries deliveries;
  private final CursorBatcher cursors;
  private final LogicCalls logic;
  private final TransportMetrics metrics;
  private final int syncReplyMaxBytes;

  DeliveryRequests(
      Deliveries deliveries,
      CursorBatcher cursors,
      LogicCalls logic,
      TransportMetrics metrics,
      int syncReplyMaxBytes) {
    this.deliveries = deliveries;
    this.cursors = cursors;
    this.logic = logic;
    this.metrics = metrics;
    this.syncReplyMaxBytes = syncReplyMaxBytes;
  }

  /** An op-18 ACK from {@code connection}. */
  void ack(Connection connection, Frame frame) {
    AckBody ack;
    try {
      ack = AckBody.decode(frame.body());
    } catch (MalformedBodyException e) {
      malformed("malformed_ack", connection, e);
      return;
    }
    deliveries.acked(connection, ack.epoch(), ack.seq(), ack.messageIds());
    if (ack.hasSeq()) {
      cursors.add(connection.mid(), connection.key(), ack.epoch(), ack.seq());
    }
  }

  /**
   * An op-19 SYNC from {@code connection}; its answer goes to {@code reply} on the connection's
   * event loop.
   */
  void sync(ChannelHandlerContext ctx, Connection connection, Frame frame, Consumer<Frame> reply) {
    SyncBody body;
    try {
      body = SyncBody.decode(frame.body());
    } catch (MalformedBodyException e) {
      malformed("malformed_sync", connection, e);
      return;
    }
    if (!deliveries.startSync(connection)) {
      metrics.invalidRequest("sync_in_flight");
      log.debug("Ignoring a SYNC from {}: one is in flight", connection);
      return;
    }
    ProtocolVersion version = frame.version();
    int seq = frame.seq();
    var unused =
        logic
            .sync(connection, body)
            .whenCompleteAsync(
                (response, error) -> {
                  deliveries.syncDone(connection);
                  if (!ctx.channel().isActive()) {
                    return;
                  }
                  ByteBuf replyBody;
                  if (error != null) {
                    metrics.sync("error");
                    log.debug("Logic could not sync {}: {}", connection, error.toString());
                    replyBody = Unpooled.EMPTY_BUFFER;
                  } else {
                    metrics.sync(response.getReset() ? "reset" : "ok");
                    replyBody = replyBody(ctx.alloc(), version, response, syncReplyMaxBytes);
                  }
                  reply.accept(new Frame(version, Op.SYNC_REPLY, seq, replyBody));
                },
                ctx.executor());
  }

  /**
   * The op-20 body for {@code response}: its head and as many messages as fit {@code maxBytes} (at
   * least one), with {@code more} set when some were cut.
   */
  static ByteBuf replyBody(
      ByteBufAllocator alloc, ProtocolVersion version, SyncResponse response, int maxBytes) {
    List<InboxMessage> messages = response.getMessagesList();
    int length = SyncReply.HEAD_LENGTH;
    int count = 0;
    for (InboxMessage message : messages) {
      int frameLength =
          version.headerLength() + MessageEnvelope.HEAD_LENGTH + message.getBody().size();
      if (count > 0 && length + frameLength > maxBytes) {
        break;
      }
      length += frameLength;
      count++;
    }
    boolean more = response.getMore() || count < messages.size();
    List<Frame> frames = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        InboxMessage message = messages.get(i);
        ByteBuf body = Unpooled.wrappedBuffer(message.getBody().asReadOnlyByteBuffer());
        try {
          frames.add(
              new MessageEnvelope(
                      message.getMessageId(),
                      response.getEpoch(),
                      message.getSeq(),
                      message.getOp(),
                      false)
                  .frame(alloc, version, body));
        } finally {
          body.release();
        }
      }
      return new SyncReply(
              response.getEpoch(),
              response.getOldestSeq(),
              response.getLatestSeq(),
              more,
              response.getReset())
          .encode(alloc, frames);
    } finally {
      frames.forEach(Frame::release);
    }
  }

  /** {@code connection} closed: what it had pending in delivery is released. */
  void closed(Connection connection) {
    deliveries.closed(connection);
  }

  private void malformed(String reason, Connection connection, MalformedBodyException e) {
    metrics.invalidRequest(reason);
    log.debug("Ignoring a frame from {}: {}", connection, e.getMessage());
  }
}
