package io.herald.client;

import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.codec.FrameDecoder;
import io.herald.wire.codec.TcpFrameEncoder;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Comet played by the test on a real loopback port: it speaks the wire protocol (TCP, both
 * versions), answers AUTH with the AUTH body's mid, heartbeats, and SYNC from a {@link FakeInbox}
 * (or with an empty body, "unavailable", while told to; or not until released, while holding),
 * records every ACK and SYNC, and pushes what the test tells it to the last authenticated
 * connection.
 */
final class ScriptedComet implements AutoCloseable {
  private static final Pattern MID = Pattern.compile("\"mid\":(\\d+)");

  final FakeInbox inbox;
  final List<AckBody> acks = new CopyOnWriteArrayList<>();
  final List<SyncBody> syncs = new CopyOnWriteArrayList<>();
  final AtomicInteger authenticated = new AtomicInteger();

  /** A request the comet received after AUTH: op, seq and body bytes. */
  record Request(int op, int seq, byte[] body) {}

  /** The AUTH bodies received, as text. */
  final List<String> auths = new CopyOnWriteArrayList<>();

  /** Chat requests (ops 28, 30, 32, 34) and room joins and leaves (22, 24), in order. */
  final List<Request> requests = new CopyOnWriteArrayList<>();

  /**
   * Answers a chat request: the reply body (op + 1, same seq), or {@code null} for none. By default
   * none.
   */
  volatile java.util.function.Function<Request, byte[]> onChat = request -> null;

  /** The next this many SYNCs are answered with an empty body. */
  final AtomicInteger unavailable = new AtomicInteger();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final List<Frame> held = new ArrayList<>();
  private volatile Channel client;
  private volatile ProtocolVersion version = ProtocolVersion.V2;
  private boolean holding;

  ScriptedComet(FakeInbox inbox) {
    this.inbox = inbox;
    FrameLimits limits = new FrameLimits(65536);
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new FrameDecoder(limits), TcpFrameEncoder.INSTANCE, new Handler());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  String address() {
    return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Pushes stored message {@code seq} of the inbox as op 26. */
  void pushStored(long seq, boolean ack) {
    FakeInbox.Stored stored = inbox.get(seq);
    push(inbox.envelope(stored, ack), stored.body());
  }

  /** Pushes an op-26 frame with {@code head} and {@code body}. */
  void push(MessageEnvelope head, String body) {
    Channel ch = client;
    ch.eventLoop()
        .execute(
            () ->
                ch.writeAndFlush(
                    head.frame(
                        ch.alloc(), version, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8))));
  }

  /** Pushes an op-26 frame with {@code head} and binary {@code body}. */
  void push(MessageEnvelope head, byte[] body) {
    Channel ch = client;
    ch.eventLoop()
        .execute(
            () -> ch.writeAndFlush(head.frame(ch.alloc(), version, Unpooled.wrappedBuffer(body))));
  }

  /** Pushes a plain frame with a binary body. */
  void pushPlain(int op, byte[] body) {
    client.writeAndFlush(new Frame(version, op, 0, Unpooled.wrappedBuffer(body)));
  }

  /** The requests of {@code op} received so far. */
  List<Request> requests(int op) {
    return requests.stream().filter(r -> r.op() == op).toList();
  }

  /** Pushes a plain business frame. */
  void pushPlain(int op, String body) {
    client.writeAndFlush(
        new Frame(version, op, 0, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));
  }

  void notice(long epoch, long latestSeq) {
    Channel ch = client;
    ch.eventLoop()
        .execute(
            () ->
                ch.writeAndFlush(
                    new Frame(
                        version,
                        Op.INBOX_NOTICE,
                        0,
                        new InboxNotice(epoch, latestSeq).encode(ch.alloc()))));
  }

  /** SYNCs wait (recorded) until {@link #release()}. */
  void hold() {
    group.submit(() -> holding = true).syncUninterruptibly();
  }

  /** Answers the SYNCs held, from the inbox as it is now, and stops holding. */
  void release() {
    group
        .submit(
            () -> {
              holding = false;
              held.forEach(this::answerSync);
              held.clear();
            })
        .syncUninterruptibly();
  }

  /** Closes the current client connection without waiting (from the comet's own loop too). */
  void dropNow() {
    var unused = client.close();
  }

  /** Closes the current client connection. */
  void drop() {
    client.close().syncUninterruptibly();
  }

  /** Every message id acked so far, in order. */
  List<Long> ackedIds() {
    List<Long> ids = new ArrayList<>();
    for (AckBody ack : acks) {
      for (long id : ack.messageIds()) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** The highest inbox seq acked so far (0: none). */
  long ackedSeq() {
    return acks.stream().mapToLong(AckBody::seq).max().orElse(0);
  }

  private static Request request(Frame frame) {
    return new Request(frame.op(), frame.seq(), io.netty.buffer.ByteBufUtil.getBytes(frame.body()));
  }

  private void answerSync(Frame sync) {
    Channel ch = client;
    if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ch.writeAndFlush(Frame.empty(sync.version(), Op.SYNC_REPLY, sync.seq()));
    } else {
      SyncBody request = SyncBody.decode(sync.body());
      ch.writeAndFlush(
          new Frame(
              sync.version(),
              Op.SYNC_REPLY,
              sync.seq(),
              inbox.answer(request, sync.version(), ch.alloc())));
    }
    sync.release();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.submit(() -> held.forEach(Frame::release)).syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<Frame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      switch (frame.op()) {
        case Op.AUTH -> {
          version = frame.version();
          client = ctx.channel();
          Matcher mid = MID.matcher(frame.body().toString(StandardCharsets.UTF_8));
          String body =
              frame.version() == ProtocolVersion.V1
                  ? ""
                  : "{\"mid\":" + (mid.find() ? mid.group(1) : "0") + ",\"key\":\"k1\"}";
          auths.add(frame.body().toString(StandardCharsets.UTF_8));
          authenticated.incrementAndGet();
          ctx.writeAndFlush(
              new Frame(
                  frame.version(),
                  Op.AUTH_REPLY,
                  frame.seq(),
                  Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));
        }
        case Op.HEARTBEAT ->
            ctx.writeAndFlush(
                new Frame(
                    frame.version(),
                    Op.HEARTBEAT_REPLY,
                    frame.seq(),
                    Unpooled.buffer(4).writeInt(1)));
        case Op.ACK -> acks.add(AckBody.decode(frame.body()));
        case Op.SYNC -> {
          syncs.add(SyncBody.decode(frame.body()));
          if (holding) {
            held.add(frame.retain());
          } else {
            answerSync(frame.retain());
          }
        }
        case Op.JOIN_ROOM, Op.LEAVE_ROOM -> {
          requests.add(request(frame));
          ctx.writeAndFlush(
              new Frame(frame.version(), frame.op() + 1, frame.seq(), frame.body().retain()));
        }
        default -> {
          if (Op.isChatRequest(frame.op())) {
            Request request = request(frame);
            requests.add(request);
            byte[] reply = onChat.apply(request);
            if (reply != null && ctx.channel().isActive()) {
              ctx.writeAndFlush(
                  new Frame(
                      frame.version(), frame.op() + 1, frame.seq(), Unpooled.wrappedBuffer(reply)));
            }
          }
        }
      }
    }
  }
}
