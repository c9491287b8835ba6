package io.herald.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Subscribers of the servers Herald is compared with, one channel each, every message's body a
 * {@link Payload}: {@link Kind#NCHAN} is a raw WebSocket subscriber of nginx's nchan module (each
 * WebSocket message is one payload), {@link Kind#NATS} a NATS client speaking the text protocol
 * (CONNECT, SUB, PING/PONG; {@link NatsDecoder}). A connection counts as subscribed once the
 * WebSocket handshake is done (nchan subscribes on it) or the server has answered the PING sent
 * after SUB (NATS handles a connection's lines in order).
 */
public final class PeerFleet implements Fleet {
  private static final int MAX_MESSAGE = 1 << 20;
  private static final int MAX_REPORTS = 10;

  /** The peer a fleet subscribes to. */
  public enum Kind {
    NCHAN,
    NATS
  }

  /**
   * What a fleet opens.
   *
   * @param kind which server's protocol
   * @param host the server's address
   * @param ports its ports; connection {@code i} goes to {@code ports[i % n]}
   * @param sources local addresses to bind; connection {@code i} uses {@code sources[i % n]}
   * @param connections how many connections
   * @param perSecond connection attempts per second
   * @param channel the nchan subscriber path (e.g. {@code /sub}) or the NATS subject
   * @param threads event loop threads
   */
  public record Settings(
      Kind kind,
      String host,
      List<Integer> ports,
      List<String> sources,
      int connections,
      int perSecond,
      String channel,
      int threads) {}

  private static final AttributeKey<Integer> PORT = AttributeKey.valueOf("bench.peer.port");

  private final Settings settings;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final DeliveryStats stats = new DeliveryStats();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger subscribed = new AtomicInteger();
  private volatile long lastSubscribedMicros;
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger reported = new AtomicInteger();
  private final byte[] natsHello;

  public PeerFleet(Settings settings) {
    this.settings = settings;
    this.natsHello =
        ("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"herald-bench\"}\r\nSUB "
                + settings.channel()
                + " 1\r\nPING\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            settings.threads(), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
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
                    if (settings.kind() == Kind.NCHAN) {
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
                                                  + settings.channel()))
                                      .maxFramePayloadLength(MAX_MESSAGE)
                                      .withUTF8Validator(false)
                                      .build()))
                          .addLast(new WebSocketPayloads(stats, PeerFleet.this::markSubscribed));
                    } else {
                      ch.pipeline().addLast(new NatsDecoder()).addLast(new NatsSubscriber());
                    }
                  }
                });
  }

  @Override
  public void open() {
    Paced.run(settings.connections(), settings.perSecond(), this::connect);
  }

  private void connect(int i) {
    String source = settings.sources().get(i % settings.sources().size());
    int port = settings.ports().get(i % settings.ports().size());
    ChannelFuture future =
        bootstrap
            .clone()
            .attr(PORT, port)
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
        });
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
    return subscribed.get();
  }

  @Override
  public long lastAuthenticatedMicros() {
    return lastSubscribedMicros;
  }

  private void markSubscribed() {
    subscribed.incrementAndGet();
    lastSubscribedMicros = Payload.nowMicros();
  }

  @Override
  public int failed() {
    return failed.get();
  }

  @Override
  public int closed() {
    return closed.get();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void report(String what, Throwable cause) {
    if (reported.getAndIncrement() < MAX_REPORTS) {
      System.err.println(what + ": " + cause);
    }
  }

  /** A NATS subscriber: CONNECT and SUB once connected, PONG to PING, payloads measured. */
  private final class NatsSubscriber extends ChannelInboundHandlerAdapter {
    private final PayloadRecorder recorder = new PayloadRecorder(stats);
    private boolean subscribedHere;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      var unused = ctx.writeAndFlush(Unpooled.wrappedBuffer(natsHello));
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (message instanceof NatsDecoder.Msg msg) {
        ByteBuf payload = msg.payload();
        try {
          recorder.record(payload, payload.readerIndex(), payload.readableBytes());
        } finally {
          payload.release();
        }
      } else if (message == NatsDecoder.Control.PING) {
        var unused =
            ctx.writeAndFlush(
                Unpooled.wrappedBuffer("PONG\r\n".getBytes(StandardCharsets.US_ASCII)));
      } else if (message == NatsDecoder.Control.PONG && !subscribedHere) {
        subscribedHere = true;
        markSubscribed();
      } else if (message instanceof NatsDecoder.Err err) {
        report(ctx.channel() + " got " + err.message(), new IllegalStateException("-ERR"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      report(ctx.channel() + " failed", cause);
      var unused = ctx.close();
    }
  }
}
