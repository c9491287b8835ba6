package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MalformedBodyException;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail of a client pipeline, one per connection: sends AUTH once the transport is ready (at
 * once on TCP, after the handshake on WebSocket), then serves the connection — heartbeats, replies
 * matched to requests by seq (SYNC_REPLY too), pushes (op-9 batches arrive already split; op-26
 * MESSAGE frames unwrapped), inbox notices (op 27), RECONNECT (op 21) and DISCONNECT (op 6)
 * notices. Everything it reports goes to {@link Events} on the event loop.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

  /** What a connection reports to its owner, on the event loop. */
  interface Events {
    void message(ServerConnection connection, Message message);

    /** An op-26 MESSAGE frame, unwrapped: its head and the message it carries. */
    void envelope(ServerConnection connection, MessageEnvelope head, Message message);

    /** An op-27 INBOX_NOTICE. */
    void inboxNotice(ServerConnection connection, InboxNotice notice);

    void heartbeat(ServerConnection connection, int onlineCount);

    void reconnect(ServerConnection connection, FrameBodies.Reconnect request);

    void disconnectNotice(ServerConnection connection, String reason);

    void closed(ServerConnection connection);
  }

  private final ProtocolVersion version;
  private final byte[] auth;
  private final boolean webSocket;
  private final Duration requestTimeout;
  private final Events events;
  private final PendingRequests pending;
  private final HeartbeatTimer heartbeat;
  private final CompletableFuture<FrameBodies.Reply> authenticated = new CompletableFuture<>();
  private ChannelHandlerContext ctx;
  private int lastSeq;
  private String closeReason = "";
  private boolean heartbeatMissed;

  ServerConnection(
      ProtocolVersion version,
      byte[] auth,
      boolean webSocket,
      AdaptiveHeartbeat adaptive,
      ClientScheduler scheduler,
      Duration requestTimeout,
      Events events) {
    this.version = version;
    this.auth = auth.clone();
    this.webSocket = webSocket;
    this.requestTimeout = requestTimeout;
    this.events = events;
    this.pending = new PendingRequests(scheduler);
    this.heartbeat =
        new HeartbeatTimer(
            adaptive, scheduler, () -> send(Op.HEARTBEAT, new byte[0]), this::missed);
  }

  /** Completes with the AUTH_REPLY, or fails if the connection closes first. */
  CompletableFuture<FrameBodies.Reply> authenticated() {
    return authenticated;
  }

  /** The server's op-6 reason, or why the client gave the connection up; empty if neither. */
  String closeReason() {
    return closeReason;
  }

  /** Whether the connection was given up because a heartbeat went unanswered. */
  boolean heartbeatMissed() {
    return heartbeatMissed;
  }

  boolean active() {
    return ctx != null && ctx.channel().isActive() && authenticated.isDone();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (!webSocket) {
      sendAuth();
    }
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      sendAuth();
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      close("WebSocket handshake timed out");
    }
    super.userEventTriggered(ctx, evt);
  }

  private void sendAuth() {
    log.debug("AUTH to {} in {}", ctx.channel().remoteAddress(), version);
    send(Op.AUTH, auth);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      handle(frame);
    } finally {
      frame.release();
    }
  }

  private void handle(Frame frame) {
    int op = frame.op();
    if (op == Op.DISCONNECT_REPLY) {
      closeReason = frame.body().isReadable() ? text(frame) : "disconnected by the server";
      log.debug("{} disconnects us: {}", ctx.channel().remoteAddress(), closeReason);
      events.disconnectNotice(this, closeReason);
      return;
    }
    if (!authenticated.isDone()) {
      if (op == Op.AUTH_REPLY) {
        authenticated(frame);
      } else {
        log.debug("Ignoring {} before AUTH_REPLY", frame);
      }
      return;
    }
    switch (op) {
      case Op.HEARTBEAT_REPLY -> {
        heartbeat.replied(frame.seq());
        int online = frame.body().readableBytes() >= 4 ? frame.body().getInt(0) : 0;
        events.heartbeat(this, online);
      }
      case Op.RECONNECT -> events.reconnect(this, FrameBodies.Reconnect.parse(bytes(frame)));
      case Op.MESSAGE -> envelope(frame);
      case Op.INBOX_NOTICE -> notice(frame);
      default -> {
        if (!pending.complete(frame) && !isUnmatchedReply(op)) {
          events.message(this, Message.of(frame));
        }
      }
    }
  }

  private void envelope(Frame frame) {
    MessageEnvelope head;
    try {
      head = MessageEnvelope.decode(frame.body());
    } catch (MalformedBodyException e) {
      log.debug(
          "Ignoring a bad MESSAGE from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
      return;
    }
    events.envelope(this, head, Message.unwrap(frame, head));
  }

  private void notice(Frame frame) {
    InboxNotice notice;
    try {
      notice = InboxNotice.decode(frame.body());
    } catch (MalformedBodyException e) {
      log.debug("Ignoring a bad INBOX_NOTICE: {}", e.getMessage());
      return;
    }
    events.inboxNotice(this, notice);
  }

  private void authenticated(Frame frame) {
    FrameBodies.Reply reply;
    try {
      reply = FrameBodies.Reply.parse(bytes(frame));
    } catch (IllegalArgumentException e) {
      log.warn("Bad AUTH_REPLY from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
      close("bad AUTH_REPLY");
      return;
    }
    heartbeat.start();
    authenticated.complete(reply);
  }

  /** Replies to requests that already timed out (or were never ours) are not pushes. */
  private static boolean isUnmatchedReply(int op) {
    return op == Op.SEND_MSG_REPLY
        || op == Op.AUTH_REPLY
        || op == Op.CHANGE_ROOM_REPLY
        || op == Op.SUB_REPLY
        || op == Op.UNSUB_REPLY
        || op == Op.JOIN_ROOM_REPLY
        || op == Op.LEAVE_ROOM_REPLY
        || op == Op.SYNC_REPLY
        || op == Op.CHAT_SEND_REPLY
        || op == Op.CHAT_LIST_REPLY
        || op == Op.CHAT_HISTORY_REPLY
        || op == Op.CHAT_READ_REPLY;
  }

  /**
   * Sends {@code op} and completes with the frame answering it: op {@code replyOp} with the same
   * seq. Fails with {@link HeraldClientException.NotConnected} if the connection is not
   * authenticated, {@link java.util.concurrent.TimeoutException} after the request timeout, {@link
   * HeraldClientException.ConnectionLost} if the connection closes first. Event loop only.
   */
  CompletableFuture<Message> request(int op, byte[] body, int replyOp) {
    if (!active()) {
      return CompletableFuture.failedFuture(
          new HeraldClientException.NotConnected("not connected"));
    }
    int seq = nextSeq();
    CompletableFuture<Message> reply = pending.add(seq, op, replyOp, requestTimeout);
    write(op, seq, body);
    return reply;
  }

  /** Sends {@code op} expecting no reply; completes when written. Event loop only. */
  CompletableFuture<Void> post(int op, byte[] body) {
    if (!active()) {
      return CompletableFuture.failedFuture(
          new HeraldClientException.NotConnected("not connected"));
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    write(op, nextSeq(), body)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                written.complete(null);
              } else {
                written.completeExceptionally(f.cause());
              }
            });
    return written;
  }

  private int send(int op, byte[] body) {
    int seq = nextSeq();
    var unused = write(op, seq, body);
    return seq;
  }

  private ChannelFuture write(int op, int seq, byte[] body) {
    return ctx.writeAndFlush(new Frame(version, op, seq, Unpooled.wrappedBuffer(body)));
  }

  private int nextSeq() {
    lastSeq = lastSeq == Integer.MAX_VALUE ? 1 : lastSeq + 1;
    return lastSeq;
  }

  /** Gives the connection up, recording why. Event loop only. */
  void close(String reason) {
    if (closeReason.isEmpty()) {
      closeReason = reason;
    }
    var unused = ctx.close();
  }

  private void missed() {
    heartbeatMissed = true;
    close("heartbeat reply missed");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    heartbeat.stop();
    String why = closeReason.isEmpty() ? "connection closed" : closeReason;
    pending.failAll(new HeraldClientException.ConnectionLost(why));
    if (!authenticated.isDone()) {
      authenticated.completeExceptionally(
          new HeraldClientException("closed before AUTH_REPLY: " + why));
    }
    events.closed(this);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Closing {}: {}", ctx.channel(), cause.toString());
    close(cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  private static byte[] bytes(Frame frame) {
    return ByteBufUtil.getBytes(frame.body());
  }

  private static String text(Frame frame) {
    return frame.body().toString(StandardCharsets.UTF_8);
  }
}
