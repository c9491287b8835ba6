package io.herald.comet.transport;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import io.herald.comet.proxy.ClientAddress;
import io.herald.comet.session.Connection;
import io.herald.comet.session.Notices;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.Rejection;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake: the first frame must be op 7 AUTH and arrive within {@code
 * protocol.handshakeTimeout} of the connection opening; anything else closes the connection ({@code
 * herald.comet.handshakes{result=not_auth|timeout}}).
 *
 * <p>The AUTH body goes to Logic's {@code Connect} verbatim. While Logic decides, the channel stops
 * reading ({@code autoRead} off); frames the client pipelined behind AUTH in the same read (at most
 * {@value #MAX_PENDING}, more close the connection) are held and handled in order once it is
 * accepted, so none is lost and none is served before AUTH succeeds.
 *
 * <ul>
 *   <li>Accepted ({@code result=ok}): the {@link Connection} is added to the buckets (an older
 *       connection under the same key is told and closed), AUTH_REPLY (op 8) goes back with AUTH's
 *       seq, and this handler replaces itself by a {@link ConnectionHandler}. Version 1 gets an
 *       empty body (goim's clients expect exactly that); version 2 gets {@code
 *       {"mid":123,"key":"...","heartbeat_ms":240000}}.
 *   <li>Rejected by Logic ({@code result=rejected}) or Logic unreachable ({@code result=error},
 *       reason "service unavailable"): a version 2 client gets op 6 DISCONNECT_REPLY with the
 *       reason, then the connection closes; a version 1 client is just closed, as goim does.
 *   <li>A connection that closed while Logic decided, but was accepted, has its session removed.
 * </ul>
 *
 * <p>Batches, metering, the upstream rate, flush batching, slow consumers and errors are its {@link
 * ClientFrameHandler} part; the connection handler takes over its rate. One per channel.
 */
final class AuthHandler extends ClientFrameHandler {
  private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);

  /** Frames held behind AUTH while Logic decides; a client sending more is closed. */
  static final int MAX_PENDING = 16;

  static final String UNAVAILABLE = "service unavailable";

  private enum State {
    AWAITING_AUTH,
    CONNECTING,
    DONE
  }

  private final TransportMetrics metrics;
  private State state = State.AWAITING_AUTH;
  private ScheduledFuture<?> timeout;
  private ArrayDeque<Frame> pending = new ArrayDeque<>(2);
  private String cookie = "";

  /** The connection put in the buckets, to take out again if setting it up fails. */
  private Connection added;

  AuthHandler(ClientListener listener) {
    super(listener);
    this.metrics = listener.metrics();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      startTimeout(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startTimeout(ctx);
    super.channelActive(ctx);
  }

  private void startTimeout(ChannelHandlerContext ctx) {
    if (timeout == null) {
      long nanos = listener.handshakeTimeoutNanos();
      timeout = ctx.executor().schedule(() -> timedOut(ctx), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (state != State.DONE && ctx.channel().isActive()) {
      state = State.DONE;
      metrics.handshake("timeout");
      log.debug("Closing {}: no AUTH within the handshake timeout", ctx.channel());
      closeChannel(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HandshakeComplete handshake) {
      cookie = handshake.requestHeaders().get(HttpHeaderNames.COOKIE, "");
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  void frame(ChannelHandlerContext ctx, Frame frame) {
    switch (state) {
      case AWAITING_AUTH -> {
        if (frame.op() == Op.AUTH) {
          connect(ctx, frame);
        } else {
          frame.release();
          state = State.DONE;
          metrics.handshake("not_auth");
          log.debug("Closing {}: {} before AUTH", ctx.channel(), Op.name(frame.op()));
          closeChannel(ctx);
        }
      }
      case CONNECTING -> {
        if (pending.size() < MAX_PENDING) {
          pending.add(frame);
        } else {
          frame.release();
          state = State.DONE;
          metrics.invalidRequest("pending_overflow");
          log.debug(
              "Closing {}: over {} frames sent before AUTH_REPLY", ctx.channel(), MAX_PENDING);
          closeChannel(ctx);
        }
      }
      case DONE -> frame.release();
    }
  }

  private void connect(ChannelHandlerContext ctx, Frame auth) {
    state = State.CONNECTING;
    ctx.channel().config().setAutoRead(false);
    ProtocolVersion version = auth.version();
    int seq = auth.seq();
    int id = listener.connectionIds().next();
    ConnectRequest.Builder request;
    try {
      request =
          ConnectRequest.newBuilder()
              .setConnId(id)
              .setCookie(cookie)
              .setToken(ByteString.copyFrom(auth.body().nioBuffer()))
              .setClientIp(ClientAddress.ip(ctx.channel()))
              .setTransport(listener.protoTransport())
              .setProtocolVersion(version.wireValue());
    } finally {
      auth.release();
    }
    var unused =
        listener
            .logic()
            .connect(request)
            .whenCompleteAsync(
                (response, error) -> connected(ctx, id, version, seq, response, error),
                ctx.executor());
  }

  private void connected(
      ChannelHandlerContext ctx,
      int id,
      ProtocolVersion version,
      int seq,
      ConnectResponse response,
      Throwable error) {
    handshakeOver();
    boolean accepted = error == null && !response.hasRejection() && !response.getKey().isEmpty();
    if (state != State.CONNECTING || !ctx.channel().isActive()) {
      state = State.DONE;
      if (accepted) {
        log.debug("{} closed while Logic accepted it; removing its session", ctx.channel());
        forget(id, response);
      }
      return;
    }
    state = State.DONE;
    if (accepted) {
      try {
        accept(ctx, id, version, seq, response);
      } catch (RuntimeException e) {
        log.warn("Closing {}: could not set up its accepted connection", ctx.channel(), e);
        metrics.handshake("error");
        if (added != null) {
          listener.buckets().remove(added);
        }
        forget(id, response);
        closeChannel(ctx);
      }
    } else if (error != null || !response.hasRejection()) {
      metrics.handshake("error");
      log.debug(
          "Closing {}: Logic did not decide: {}",
          ctx.channel(),
          error != null ? error.toString() : "accepted without a key");
      refuse(ctx, version, seq, UNAVAILABLE);
    } else {
      metrics.handshake("rejected");
      Rejection rejection = response.getRejection();
      log.debug("Closing {}: rejected: {}", ctx.channel(), rejection.getReason());
      refuse(ctx, version, seq, reason(rejection));
    }
  }

  private void accept(
      ChannelHandlerContext ctx,
      int id,
      ProtocolVersion version,
      int seq,
      ConnectResponse response) {
    Channel channel = ctx.channel();
    Connection connection =
        new Connection(
            channel,
            listener.kind(),
            id,
            response.getMid(),
            response.getKey(),
            response.getPlatform(),
            version,
            Set.copyOf(response.getRoomsList()),
            response.getAcceptsList().stream().mapToInt(Integer::intValue).toArray());
    added = connection;
    Connection replaced = listener.buckets().add(connection);
    if (replaced != null && replaced != connection) {
      log.debug("{} replaces {} under the same key", connection, replaced);
      Notices.disconnect(replaced, "replaced by a new connection");
    }
    long intervalMillis =
        response.getHeartbeat().getIntervalMs() > 0
            ? response.getHeartbeat().getIntervalMs()
            : listener.defaultHeartbeatMillis();
    cancelTimeout();
    metrics.handshake("ok");
    ChannelFuture unused =
        send(ctx, authReply(version, seq, connection, intervalMillis), ctx.voidPromise());

    ConnectionHandler next =
        new ConnectionHandler(listener, connection, listener.silenceTimeoutMillis(intervalMillis));
    ArrayDeque<Frame> held = pending;
    pending = null;
    ctx.pipeline().replace(this, ClientChannelInitializer.CONNECTION, next);
    next.takeOver(this);
    // The held frames were metered and rated on their way in: they go to `next` directly.
    try {
      for (Frame frame; (frame = held.poll()) != null; ) {
        next.frame(next.ctx, frame);
      }
    } finally {
      held.forEach(Frame::release);
    }
    channel.config().setAutoRead(true);
  }

  private static Frame authReply(
      ProtocolVersion version, int seq, Connection connection, long intervalMillis) {
    if (version == ProtocolVersion.V1) {
      return Frame.empty(version, Op.AUTH_REPLY, seq);
    }
    String json =
        "{\"mid\":"
            + connection.mid()
            + ",\"key\":\""
            + new String(JsonStringEncoder.getInstance().quoteAsString(connection.key()))
            + "\",\"heartbeat_ms\":"
            + intervalMillis
            + "}";
    return new Frame(
        version, Op.AUTH_REPLY, seq, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
  }

  private void refuse(ChannelHandlerContext ctx, ProtocolVersion version, int seq, String reason) {
    cancelTimeout();
    releasePending();
    if (version == ProtocolVersion.V1) {
      closeChannel(ctx);
      return;
    }
    Frame notice =
        new Frame(
            version,
            Op.DISCONNECT_REPLY,
            seq,
            Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
    send(ctx, notice, ctx.newPromise()).addListener(ChannelFutureListener.CLOSE);
  }

  private static String reason(Rejection rejection) {
    if (!rejection.getMessage().isEmpty()) {
      return rejection.getMessage();
    }
    return rejection.getReason().name().replace("REJECT_REASON_", "").toLowerCase(Locale.ROOT);
  }

  private void forget(int id, ConnectResponse response) {
    listener.logic().disconnect(response.getMid(), response.getKey(), id);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    releasePending();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimeout();
    releasePending();
    super.handlerRemoved(ctx);
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private void releasePending() {
    if (pending != null) {
      for (Frame frame; (frame = pending.poll()) != null; ) {
        frame.release();
      }
    }
  }
}
