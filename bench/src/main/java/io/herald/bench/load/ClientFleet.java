package io.herald.bench.load;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many client connections to Comets over TCP or WebSocket, paced, bound to several source
 * addresses; authenticates them in one room (goim's JSON AUTH body, for a Logic in {@code trust}
 * mode), sends heartbeats, and records what arrives in {@link DeliveryStats}. Frames are parsed in
 * place (no per-frame objects) so one client process keeps up with a Comet's fan-out.
 */
public final class ClientFleet implements Fleet {
  /** Largest frame a client takes: op-9 batches of many messages. */
  private static final int MAX_FRAME = 1 << 20;

  private final Settings settings;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final DeliveryStats stats = new DeliveryStats();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger authenticated = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private volatile long lastAuthenticatedMicros;
  private static final int MAX_REPORTS = 10;
  private final AtomicInteger reported = new AtomicInteger();
  private final byte[] heartbeat;

  /**
   * What a fleet opens.
   *
   * @param host the Comets' address
   * @param ports the Comets' TCP ports; connection {@code i} goes to {@code ports[i % n]}
   * @param sources local addresses to bind; connection {@code i} uses {@code sources[i % n]}
   * @param connections how many connections
   * @param perSecond connection attempts per second
   * @param version protocol version spoken
   * @param room the room every connection joins at AUTH
   * @param firstMid the mid of connection 0; connection {@code i} is {@code firstMid + i}
   * @param heartbeat interval of each connection's heartbeats (first one at a random offset)
   * @param threads event loop threads
   * @param webSocketPath {@code null} for TCP; else WebSocket on this path (the Comet's {@code
   *     /sub}), each binary message one frame or an op-9 batch, as goim's JavaScript client
   */
  public record Settings(
      String host,
      List<Integer> ports,
      List<String> sources,
      int connections,
      int perSecond,
      ProtocolVersion version,
      String room,
      long firstMid,
      Duration heartbeat,
      int threads,
      String webSocketPath) {
    boolean webSocket() {
      return webSocketPath != null;
    }
  }

  /** The mid a WebSocket connection authenticates as once its handshake is done. */
  private static final AttributeKey<Long> MID = AttributeKey.valueOf("bench.mid");

  /** The Comet port a WebSocket connection is opened to: its handshake's URI names it. */
  private static final AttributeKey<Integer> PORT = AttributeKey.valueOf("bench.port");

  public ClientFleet(Settings settings) {
    this.settings = settings;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            settings.threads(), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.heartbeat = encode(settings.version(), Op.HEARTBEAT, 0, new byte[0]);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (settings.webSocket()) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(8192))
                          .addLast(
                              new WebSocketClientProtocolHandler(
                                  WebSocketClientProtocolConfig.newBuilder()
                                      .webSocketUri(
                                          URI.create(
                                              "ws://"
                                                  + settings.host()
                                                  + ":"
                                                  + ch.attr(PORT).get()
                                                  + settings.webSocketPath()))
                                      .maxFramePayloadLength(MAX_FRAME)
                                      .build()))
                          .addLast(new BinaryMessages());
                    } else {
                      ch.pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, -4, 0));
                    }
                    ch.pipeline().addLast(new Receiver());
                  }
                });
    if (epoll) {
      // Bound to a source address, a socket gets its port at bind(), from the ports free towards
      // every destination, or at connect() with this option, from those free towards the Comet.
      // A storm's clients spent most of their CPU in the kernel (docs/benchmarks.md, scenario 4).
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }

  @Override
  public void open() {
    Paced.run(settings.connections(), settings.perSecond(), this::connect);
  }

  private void connect(int i) {
    String source = settings.sources().get(i % settings.sources().size());
    int port = settings.ports().get(i % settings.ports().size());
    long mid = settings.firstMid() + i;
    ChannelFuture future =
        (settings.webSocket() ? bootstrap.clone().attr(PORT, port) : bootstrap)
            .connect(
                new InetSocketAddress(settings.host(), port), new InetSocketAddress(source, 0));
    future.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            report("connect " + source + " -> " + port + " failed", f.cause());
            failed.incrementAndGet();
            return;
          }
          connected.incrementAndGet();
          Channel channel = f.channel();
          channel.closeFuture().addListener(c -> closed.incrementAndGet());
          if (settings.webSocket()) {
            channel.attr(MID).set(mid); // AUTH once the WebSocket handshake is done
          } else {
            authenticate(channel, mid);
          }
        });
  }

  /** Sends AUTH (goim's JSON body) and starts the connection's heartbeats. */
  private void authenticate(Channel channel, long mid) {
    String auth =
        "{\"mid\":"
            + mid
            + ",\"key\":\"bench-"
            + mid
            + "\",\"room_id\":\""
            + settings.room()
            + "\",\"platform\":\"bench\",\"accepts\":[1000]}";
    var unused =
        channel.writeAndFlush(
            Unpooled.wrappedBuffer(
                encode(settings.version(), Op.AUTH, 1, auth.getBytes(StandardCharsets.UTF_8))));
    long period = settings.heartbeat().toMillis();
    var unusedSchedule =
        channel
            .eventLoop()
            .scheduleAtFixedRate(
                () -> {
                  if (channel.isActive()) {
                    var ignored = channel.writeAndFlush(Unpooled.wrappedBuffer(heartbeat));
                  }
                },
                ThreadLocalRandom.current().nextLong(period),
                period,
                TimeUnit.MILLISECONDS);
  }

  private static byte[] encode(ProtocolVersion version, int op, int seq, byte[] body) {
    Frame frame = new Frame(version, op, seq, Unpooled.wrappedBuffer(body));
    ByteBuf encoded = FrameCodec.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, frame);
    try {
      byte[] bytes = new byte[encoded.readableBytes()];
      encoded.readBytes(bytes);
      return bytes;
    } finally {
      encoded.release();
      frame.release();
    }
  }

  @Override
  public DeliveryStats stats() {
    return stats;
  }

  @Override
  public int connected() {
    return connected.get();
  }

  @Override
  public int authenticated() {
    return authenticated.get();
  }

  /** When the latest AUTH_REPLY arrived, in µs since the epoch (0 before the first). */
  @Override
  public long lastAuthenticatedMicros() {
    return lastAuthenticatedMicros;
  }

  @Override
  public int failed() {
    return failed.get();
  }

  @Override
  public int closed() {
    return closed.get();
  }

  /** Tells the first few failures on standard error (the scenario's clients-N.log): the causes. */
  private void report(String what, Throwable cause) {
    if (reported.getAndIncrement() < MAX_REPORTS) {
      System.err.println(what + ": " + cause);
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Parses whole frames in place: AUTH_REPLY counts, business messages are measured. */
  private final class Receiver extends SimpleChannelInboundHandler<ByteBuf> {
    private final PayloadRecorder recorder = new PayloadRecorder(stats);
    private boolean authenticatedHere;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        authenticate(ctx.channel(), ctx.channel().attr(MID).get());
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!authenticatedHere) {
        report(ctx.channel() + " closed before AUTH_REPLY", new IllegalStateException("closed"));
      }
      super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      read(frame, frame.readerIndex(), frame.readableBytes());
    }

    private void read(ByteBuf buffer, int start, int length) {
      int packetLength = buffer.getInt(start);
      int headerLength = buffer.getUnsignedShort(start + 4);
      int op = buffer.getInt(start + 8);
      if (packetLength > length || headerLength > packetLength) {
        throw new IllegalStateException("bad frame: length " + packetLength + "/" + length);
      }
      if (op == Op.RAW) {
        int inner = start + headerLength;
        int end = start + packetLength;
        while (inner < end) {
          int innerLength = buffer.getInt(inner);
          read(buffer, inner, end - inner);
          inner += innerLength;
        }
      } else if (op == Op.AUTH_REPLY) {
        authenticatedHere = true;
        authenticated.incrementAndGet();
        lastAuthenticatedMicros = Payload.nowMicros();
      } else if (Op.isBusiness(op)) {
        recorder.record(buffer, start + headerLength, packetLength - headerLength);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      report(ctx.channel() + " failed", cause);
      var unused = ctx.close();
    }
  }

  /** WebSocket: a binary message's content is a frame (or an op-9 batch); frames go out as one. */
  private static final class BinaryMessages
      extends MessageToMessageCodec<BinaryWebSocketFrame, ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
      out.add(new BinaryWebSocketFrame(frame.retain()));
    }

    @Override
    protected void decode(
        ChannelHandlerContext ctx, BinaryWebSocketFrame message, List<Object> out) {
      out.add(message.content().retain());
    }
  }
}
