package io.herald.bench.load;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

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
  private final Churn churn;

  /** Each connection's channel now (churn replaces it), by index. */
  private final AtomicReferenceArray<Channel> channels;

  /** Each connection's reconnects so far: it reconnects to the next Comet port each time. */
  private final int[] generations;

  private final AtomicInteger online = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder reset = new LongAdder();
  private final LongAdder abandoned = new LongAdder();
  private final LongAdder abandonedUnnoticed = new LongAdder();
  private final LongAdder paused = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder acks = new LongAdder();
  private final LongAdder notices = new LongAdder();
  private volatile boolean churning;
  private volatile boolean closing;

  /**
   * What happens to connections once {@link #startChurn()} is called (the soak): every second
   * {@code dropsPerSecond} of them (a fraction) end in one of three ways, picked at random, and
   * reconnect: closed (FIN), reset (RST: {@code SO_LINGER} 0), or abandoned (no more heartbeats and
   * no close, so the Comet finds out by its heartbeat timeout; the connection reconnects once the
   * Comet closed it). With {@code pause} above zero every connection is a slow consumer: it reads
   * for {@code read}, then stops reading for {@code pause} (heartbeats still go out), so the
   * Comet's write queue fills past its high watermark and {@code maxUnwritable} closes it.
   *
   * @param abandonLimit an abandoned connection the Comet has not closed after this long is reset
   *     by the client and counted ({@code abandoned_unnoticed})
   * @param reconnect whether a connection that closed or failed comes back even before {@link
   *     #startChurn()} (as it does once churning)
   */
  public record Churn(
      double dropsPerSecond,
      Duration read,
      Duration pause,
      Duration abandonLimit,
      boolean reconnect) {
    public static final Churn NONE =
        new Churn(0, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1), false);

    boolean slow() {
      return !pause.isZero();
    }
  }

  /** Set on a connection that stopped its heartbeats to be found silent. */
  private static final AttributeKey<Boolean> ABANDONED = AttributeKey.valueOf("bench.abandoned");

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
    this(settings, Churn.NONE);
  }

  public ClientFleet(Settings settings, Churn churn) {
    this.settings = settings;
    this.churn = churn;
    this.channels = new AtomicReferenceArray<>(settings.connections());
    this.generations = new int[settings.connections()];
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
    if (churn.slow()) {
      // A small receive buffer (no autotuning): what a slow consumer leaves unread backs up into
      // the Comet's write queue within seconds instead of filling megabytes of kernel buffers.
      bootstrap.option(ChannelOption.SO_RCVBUF, 8192);
    }
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
    int generation;
    synchronized (generations) {
      generation = generations[i];
    }
    int port = settings.ports().get((i + generation) % settings.ports().size());
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
            if ((churning || churn.reconnect()) && !closing && !group.isShuttingDown()) {
              var unused = group.next().schedule(() -> connect(i), 1, TimeUnit.SECONDS);
            }
            return;
          }
          connected.incrementAndGet();
          Channel channel = f.channel();
          channels.set(i, channel);
          channel
              .closeFuture()
              .addListener(
                  c -> {
                    closed.incrementAndGet();
                    reconnectLater(i, channel);
                  });
          if (churn.slow()) {
            schedulePause(channel);
          }
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
                  if (channel.isActive() && !channel.hasAttr(ABANDONED)) {
                    var ignored = channel.writeAndFlush(Unpooled.wrappedBuffer(heartbeat));
                  }
                },
                ThreadLocalRandom.current().nextLong(period),
                period,
                TimeUnit.MILLISECONDS);
  }

  private static byte[] encode(ProtocolVersion version, int op, int seq, byte[] body) {
    return encodeFrame(version, op, seq, Unpooled.wrappedBuffer(body));
  }

  /** The bytes of one frame; takes {@code body}'s reference. */
  private static byte[] encodeFrame(ProtocolVersion version, int op, int seq, ByteBuf body) {
    Frame frame = new Frame(version, op, seq, body);
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

  /** Starts the churn (and the slow consumers' pauses): see {@link Churn}. */
  public void startChurn() {
    if (churning || churn.dropsPerSecond() <= 0) {
      churning = true;
      return;
    }
    churning = true;
    double perTick = churn.dropsPerSecond() * settings.connections() / 10;
    double[] owed = {0};
    var unused =
        group
            .next()
            .scheduleAtFixedRate(
                () -> {
                  owed[0] += perTick;
                  for (; owed[0] >= 1; owed[0]--) {
                    drop(ThreadLocalRandom.current().nextInt(settings.connections()));
                  }
                },
                100,
                100,
                TimeUnit.MILLISECONDS);
  }

  /** Ends connection {@code i} one of the three ways (if it is up and not already ending). */
  private void drop(int i) {
    Channel channel = channels.get(i);
    if (channel == null || !channel.isActive() || channel.hasAttr(ABANDONED)) {
      return;
    }
    switch (ThreadLocalRandom.current().nextInt(3)) {
      case 0 -> {
        dropped.increment();
        var unused = channel.close();
      }
      case 1 -> {
        reset.increment();
        channel.eventLoop().execute(() -> resetNow(channel));
      }
      default -> {
        abandoned.increment();
        channel.attr(ABANDONED).set(true);
        var unused =
            channel
                .eventLoop()
                .schedule(
                    () -> {
                      if (channel.isActive()) {
                        abandonedUnnoticed.increment();
                        resetNow(channel);
                      }
                    },
                    churn.abandonLimit().toMillis(),
                    TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Closes with an RST: {@code SO_LINGER} 0, the kernel discards the socket. */
  private static void resetNow(Channel channel) {
    if (channel.isActive()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      var unused = channel.close();
    }
  }

  /** Once churning, a closed connection comes back (to the next Comet port) after 0.1–1 s. */
  private void reconnectLater(int i, Channel old) {
    if (!(churning || churn.reconnect()) || closing || group.isShuttingDown()) {
      return;
    }
    if (!channels.compareAndSet(i, old, null)) {
      return;
    }
    synchronized (generations) {
      generations[i]++;
    }
    reconnects.increment();
    var unused =
        group
            .next()
            .schedule(
                () -> connect(i),
                100 + ThreadLocalRandom.current().nextInt(900),
                TimeUnit.MILLISECONDS);
  }

  /** A slow consumer: reads for {@code read} (random phase first), then stops for {@code pause}. */
  private void schedulePause(Channel channel) {
    long readMillis = churn.read().toMillis();
    long first = churning ? readMillis : ThreadLocalRandom.current().nextLong(1, readMillis + 1);
    var unused =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (!channel.isActive()) {
                    return;
                  }
                  if (!churning) {
                    schedulePause(channel);
                    return;
                  }
                  paused.increment();
                  channel.config().setAutoRead(false);
                  var unusedResume =
                      channel
                          .eventLoop()
                          .schedule(
                              () -> {
                                channel.config().setAutoRead(true);
                                schedulePause(channel);
                              },
                              churn.pause().toMillis(),
                              TimeUnit.MILLISECONDS);
                },
                first,
                TimeUnit.MILLISECONDS);
  }

  /** Connections authenticated and open now. */
  public int online() {
    return online.get();
  }

  /**
   * The churn so far: {@code dropped=N reset=N abandoned=N abandoned_unnoticed=N paused=N
   * reconnects=N acks=N notices=N}.
   */
  public String churnStatus() {
    return "dropped="
        + dropped.sum()
        + " reset="
        + reset.sum()
        + " abandoned="
        + abandoned.sum()
        + " abandoned_unnoticed="
        + abandonedUnnoticed.sum()
        + " paused="
        + paused.sum()
        + " reconnects="
        + reconnects.sum()
        + " acks="
        + acks.sum()
        + " notices="
        + notices.sum();
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
    closing = true;
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
      if (authenticatedHere) {
        online.decrementAndGet();
      } else if (!churning && !churn.reconnect()) {
        report(ctx.channel() + " closed before AUTH_REPLY", new IllegalStateException("closed"));
      }
      super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      read(ctx, frame, frame.readerIndex(), frame.readableBytes());
    }

    private void read(ChannelHandlerContext ctx, ByteBuf buffer, int start, int length) {
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
          read(ctx, buffer, inner, end - inner);
          inner += innerLength;
        }
      } else if (op == Op.AUTH_REPLY) {
        authenticatedHere = true;
        authenticated.incrementAndGet();
        online.incrementAndGet();
        lastAuthenticatedMicros = Payload.nowMicros();
      } else if (Op.isBusiness(op)) {
        recorder.record(buffer, start + headerLength, packetLength - headerLength);
      } else if (op == Op.MESSAGE) {
        message(ctx, buffer.slice(start + headerLength, packetLength - headerLength));
      } else if (op == Op.INBOX_NOTICE) {
        notices.increment();
      }
    }

    /**
     * A version 2 message (op 26): its payload is recorded; an acked or stored one is acked at once
     * by id (and, stored, by its inbox position), as an SDK does.
     */
    private void message(ChannelHandlerContext ctx, ByteBuf body) {
      MessageEnvelope envelope = MessageEnvelope.decode(body);
      ByteBuf payload = MessageEnvelope.payload(body);
      recorder.record(payload, payload.readerIndex(), payload.readableBytes());
      if (envelope.ackRequested() || envelope.stored()) {
        AckBody ack =
            envelope.stored()
                ? new AckBody(envelope.epoch(), envelope.seq(), new long[] {envelope.messageId()})
                : AckBody.ofIds(envelope.messageId());
        acks.increment();
        var unused =
            ctx.writeAndFlush(
                Unpooled.wrappedBuffer(
                    encodeFrame(
                        settings.version(), Op.ACK, 0, ack.encode(ByteBufAllocator.DEFAULT))));
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
