package io.herald.comet.transport;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.Notices;
import io.herald.comet.session.Room;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an authenticated connection (it replaces {@link AuthHandler}). Replies carry the request's
 * seq and are written in the request's version.
 *
 * <ul>
 *   <li>op 2 HEARTBEAT: op 3 with the online count of the connection's room (the smallest room id
 *       when it is in several; 0 when in none);
 *   <li>op 4 SEND_MSG and business ops (1000+): handed to Logic's {@code Receive}; its {@code
 *       reply_op} (if not 0) goes back with its body. A failed call is counted ({@code
 *       herald.comet.upstream{result=error}}) and answered with nothing; the connection stays;
 *   <li>the chat requests (ops 28, 30, 32, 34) of a version 2 connection: the same way, except that
 *       each always gets an answer: when the call fails (Logic unreachable, deadline) or Logic
 *       answers with no reply op, the Comet itself answers the reply op (op + 1) with status
 *       UNAVAILABLE ({@code herald.comet.chat.replies{from=comet}}), so the client retries with the
 *       same client id instead of waiting out its timeout. A version 1 connection's chat op is an
 *       unsupported op, as below;
 *   <li>op 14 SUB / 16 UNSUB (comma-separated ops): the connection's accepted ops, reply 15 / 17
 *       echoing the body;
 *   <li>op 12 CHANGE_ROOM (empty: leave all), 22 JOIN_ROOM, 24 LEAVE_ROOM: its rooms, reply 13 / 23
 *       / 25 echoing the room id. A join into a room with no other member here is answered once
 *       Logic's room index names this Comet for it ({@code RoomAnnouncer}), so a room push accepted
 *       after the answer reaches the member. A room id not {@code type://id}, or a join past
 *       {@value #MAX_ROOMS} rooms, is answered with nothing and counted;
 *   <li>op 18 ACK and op 19 SYNC: the connection's deliveries ({@link DeliveryRequests}): acked ids
 *       stop being resent, acked inbox positions go to Logic in batches, a SYNC is answered with op
 *       20 from {@code Logic.Sync};
 *   <li>any other op (unknown, or one this Comet does not serve) is counted in {@code
 *       herald.comet.requests.invalid{reason=unsupported_op}} and ignored, so a newer client keeps
 *       its connection on an older Comet.
 * </ul>
 *
 * <p>Silence: every inbound frame moves the connection's deadline to now + its timeout (Logic's
 * heartbeat interval x {@code maxMissed}, clamped). The event loop's {@link SilenceSweep} checks
 * the deadlines of all its connections; a connection found silent is closed ({@code
 * herald.comet.heartbeat.timeouts}). Inbound frames also renew the session in Logic, at most once
 * per {@code heartbeat.sessionRenewal}; a renewal that finds the device's session taken by a newer
 * connection closes this one. On close the connection leaves the buckets and its session is removed
 * in Logic — only its own: Logic fences the removal by the connection's id, so a newer connection
 * of the same key (here or elsewhere) keeps its session.
 *
 * <p>Batches, metering, the upstream rate, flush batching, slow consumers and errors are its {@link
 * ClientFrameHandler} part, carried over from the {@link AuthHandler} it replaced. One per
 * authenticated channel; an idle connection's only Herald object besides its {@link Connection}.
 */
final class ConnectionHandler extends ClientFrameHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

  /** Rooms one connection may be in at once (JOIN_ROOM past it is refused). */
  static final int MAX_ROOMS = 32;

  private final Connection connection;
  private final int timeoutMillis; // an int: the handler stays within 80 bytes
  private long lastReadAt;
  private long renewedAt;
  // The event loop's SilenceSweep links its connections through these.
  ConnectionHandler sweepPrev;
  ConnectionHandler sweepNext;

  /**
   * @param timeoutMillis the silence allowed; more than {@link Integer#MAX_VALUE} ms (24 days) is
   *     taken as that
   */
  ConnectionHandler(ClientListener listener, Connection connection, long timeoutMillis) {
    super(listener);
    this.connection = connection;
    this.timeoutMillis = (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    super.handlerAdded(ctx);
    long now = ctx.executor().ticker().nanoTime();
    lastReadAt = now;
    renewedAt = now; // Connect recorded the session just now
    listener.sweep(ctx.executor()).add(this);
  }

  /** The connection this handler serves. */
  Connection connection() {
    return connection;
  }

  /** When the connection is silent for too long, unless a frame arrives first. */
  long deadline() {
    return lastReadAt + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  /** Called by the sweep once the deadline has passed: closes the connection. */
  void silenced(long now) {
    if (!ctx.channel().isActive()) {
      return;
    }
    listener.metrics().heartbeatTimeouts.increment();
    log.debug(
        "Closing {}: silent for {} ms",
        connection,
        TimeUnit.NANOSECONDS.toMillis(now - lastReadAt));
    Notices.disconnect(connection, "heartbeat timeout");
  }

  @Override
  void frame(ChannelHandlerContext ctx, Frame frame) {
    try {
      long now = ctx.executor().ticker().nanoTime();
      lastReadAt = now;
      if (now - renewedAt >= listener.renewalNanos()) {
        renewedAt = now;
        renewSession();
      }
      handle(ctx, frame);
    } finally {
      frame.release();
    }
  }

  private void handle(ChannelHandlerContext ctx, Frame frame) {
    int op = frame.op();
    switch (op) {
      case Op.HEARTBEAT -> write(ctx, frame.reply(Op.HEARTBEAT_REPLY, onlineCount(ctx)));
      case Op.SEND_MSG -> receive(ctx, frame);
      case Op.SUB, Op.UNSUB -> subscription(ctx, frame);
      case Op.CHANGE_ROOM, Op.JOIN_ROOM, Op.LEAVE_ROOM -> room(ctx, frame);
      case Op.ACK -> listener.delivery().ack(connection, frame);
      case Op.SYNC -> listener.delivery().sync(ctx, connection, frame, reply -> write(ctx, reply));
      default -> {
        if (Op.isBusiness(op)
            || (Op.isChatRequest(op) && connection.version() != ProtocolVersion.V1)) {
          receive(ctx, frame);
        } else {
          invalid("unsupported_op", frame);
        }
      }
    }
  }

  private ByteBuf onlineCount(ChannelHandlerContext ctx) {
    Set<String> rooms = connection.rooms();
    String roomId = null;
    for (String id : rooms) {
      if (roomId == null || id.compareTo(roomId) < 0) {
        roomId = id;
      }
    }
    Room room = roomId == null ? null : listener.buckets().room(roomId);
    return ctx.alloc().buffer(4).writeInt(room == null ? 0 : room.onlineCount());
  }

  private void receive(ChannelHandlerContext ctx, Frame frame) {
    ProtocolVersion version = frame.version();
    int op = frame.op();
    int seq = frame.seq();
    var unused =
        listener
            .logic()
            .receive(connection, frame)
            .whenCompleteAsync(
                (response, error) -> received(ctx, version, op, seq, response, error),
                ctx.executor());
  }

  private void received(
      ChannelHandlerContext ctx,
      ProtocolVersion version,
      int op,
      int seq,
      ReceiveResponse response,
      Throwable error) {
    boolean chat = Op.isChatRequest(op);
    if (error != null) {
      listener.metrics().upstreamError.increment();
      log.debug("Logic did not take {} from {}: {}", Op.name(op), connection, error.toString());
      if (chat) {
        unavailable(ctx, version, op, seq, "chat service unreachable, retry");
      }
      return;
    }
    listener.metrics().upstreamOk.increment();
    if (response.getReplyOp() == 0) {
      if (chat) {
        // A Logic without the chat service: the client still gets its answer, not a timeout.
        unavailable(ctx, version, op, seq, "chat is not served here");
      }
      return;
    }
    if (chat) {
      listener.metrics().chatReplied.increment();
    }
    if (ctx.channel().isActive()) {
      ByteBuf body = Unpooled.wrappedBuffer(response.getReplyBody().asReadOnlyByteBuffer());
      write(ctx, new Frame(version, response.getReplyOp(), seq, body));
    }
  }

  /** Answers chat request {@code op} with its reply op and status UNAVAILABLE: retry later. */
  private void unavailable(
      ChannelHandlerContext ctx, ProtocolVersion version, int op, int seq, String why) {
    listener.metrics().chatUnavailable.increment();
    if (ctx.channel().isActive()) {
      ByteBuf body = new ChatError(ChatStatus.UNAVAILABLE, why).encode(ctx.alloc());
      write(ctx, new Frame(version, op + 1, seq, body));
    }
  }

  private void subscription(ChannelHandlerContext ctx, Frame frame) {
    int[] ops = RequestBodies.opList(frame.body());
    if (ops == null) {
      invalid("bad_op_list", frame);
      return;
    }
    if (frame.op() == Op.SUB) {
      connection.subscribe(ops);
    } else {
      connection.unsubscribe(ops);
    }
    write(ctx, frame.reply(frame.op() + 1, frame.body().retainedDuplicate()));
  }

  private void room(ChannelHandlerContext ctx, Frame frame) {
    Buckets buckets = listener.buckets();
    if (frame.op() == Op.CHANGE_ROOM && !frame.body().isReadable()) {
      buckets.change(connection, "");
      write(ctx, frame.reply(Op.CHANGE_ROOM_REPLY, Unpooled.EMPTY_BUFFER));
      return;
    }
    String roomId = RequestBodies.roomId(frame.body());
    if (roomId == null) {
      invalid("bad_room_id", frame);
      return;
    }
    Room joined = null;
    switch (frame.op()) {
      case Op.CHANGE_ROOM -> joined = buckets.change(connection, roomId);
      case Op.JOIN_ROOM -> {
        Set<String> rooms = connection.rooms();
        if (!rooms.contains(roomId) && rooms.size() >= MAX_ROOMS) {
          invalid("room_limit", frame);
          return;
        }
        joined = buckets.join(connection, roomId);
      }
      default -> buckets.leave(connection, roomId);
    }
    Frame reply = frame.reply(frame.op() + 1, frame.body().retainedDuplicate());
    CompletableFuture<Void> indexed =
        joined == null
            ? CompletableFuture.completedFuture(null)
            : listener.rooms().announce(joined);
    if (indexed.isDone()) {
      write(ctx, reply);
    } else {
      // Answered once Logic routes the room's pushes here: one accepted after it reaches us.
      var unused = indexed.whenCompleteAsync((v, error) -> write(ctx, reply), ctx.executor());
    }
  }

  private void invalid(String reason, Frame frame) {
    listener.metrics().invalidRequest(reason);
    log.debug("Ignoring {} from {}: {}", frame, connection, reason);
  }

  private void write(ChannelHandlerContext ctx, Frame reply) {
    ChannelFuture unused = send(ctx, reply, ctx.voidPromise());
  }

  /**
   * Renews the session in Logic. If the device's session belongs to another connection now (it
   * connected again, here or elsewhere, and this one lingered), this one is closed: pushes to the
   * device go to the other.
   */
  private void renewSession() {
    var unused =
        listener
            .logic()
            .heartbeat(connection)
            .whenComplete(
                (response, error) -> {
                  if (error != null) {
                    log.debug("Logic heartbeat of {} failed: {}", connection, error.toString());
                  } else if (response.getSuperseded()) {
                    listener.metrics().superseded.increment();
                    log.debug("Closing {}: its device connected again", connection);
                    Notices.disconnect(connection, "replaced by a new connection");
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopSweeping(ctx);
    Buckets buckets = listener.buckets();
    boolean current = buckets.get(connection.key()) == connection;
    buckets.remove(connection);
    listener.delivery().closed(connection);
    if (current) {
      listener.logic().disconnect(connection.mid(), connection.key(), connection.id());
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopSweeping(ctx);
    super.handlerRemoved(ctx);
  }

  private void stopSweeping(ChannelHandlerContext ctx) {
    SilenceSweep sweep = listener.existingSweep(ctx.executor());
    if (sweep != null) {
      sweep.remove(this);
    }
  }
}
