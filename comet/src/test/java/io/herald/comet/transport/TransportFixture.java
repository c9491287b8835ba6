package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.logic.CometInstance;
import io.herald.comet.logic.CursorBatcher;
import io.herald.comet.push.Deliveries;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Comet's transport around a {@link FakeLogic}: client channels are {@link EmbeddedChannel}s
 * built by the real initializers, with frozen time the tests advance.
 */
final class TransportFixture {
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SESSION_RENEWAL = Duration.ofMinutes(5);
  static final String AUTH_JSON =
      "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000,1001]}";

  /** Runs the cursor batcher's flush when 1000 cursors wait (the tests flush it themselves). */
  private static final ScheduledExecutorService UNUSED_SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "fixture-cursors");
            thread.setDaemon(true);
            return thread;
          });

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** The per-IP rate limit's clock. */
  final AtomicLong nanoTime = new AtomicLong();

  final Buckets buckets = new Buckets(4);
  final FakeLogic logic = new FakeLogic();
  final CometConfig config;

  /** The deliveries of the connections; pushes go through {@link #pusher}. */
  final Deliveries deliveries;

  /** Not started: tests flush it. */
  final CursorBatcher cursors;

  final TransportContext context;
  private final TcpChannelInitializer tcp;

  TransportFixture() {
    this(new CometConfig.Limits(50, 100, 1000, 200, 1000));
  }

  TransportFixture(CometConfig.Limits limits) {
    this(
        limits,
        new CometConfig.Heartbeat(
            Duration.ofMinutes(4),
            2,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            SESSION_RENEWAL));
  }

  /** With {@code heartbeat}'s silence bounds (Logic's interval is 60 s, as {@link FakeLogic}'s). */
  TransportFixture(CometConfig.Limits limits, CometConfig.Heartbeat heartbeat) {
    this(limits, heartbeat, CometConfig.Delivery.defaults());
  }

  /** With {@code delivery}'s settings. */
  TransportFixture(CometConfig.Delivery delivery) {
    this(
        new CometConfig.Limits(50, 100, 1000, 200, 1000),
        new CometConfig.Heartbeat(
            Duration.ofMinutes(4),
            2,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            SESSION_RENEWAL),
        delivery);
  }

  TransportFixture(
      CometConfig.Limits limits, CometConfig.Heartbeat heartbeat, CometConfig.Delivery delivery) {
    this(limits, heartbeat, delivery, CometConfig.ProxyProtocol.OFF);
  }

  /** With {@code limits}, and the PROXY protocol on the listeners {@code proxy} names. */
  TransportFixture(CometConfig.Limits limits, CometConfig.ProxyProtocol proxy) {
    this(
        limits,
        new CometConfig.Heartbeat(
            Duration.ofMinutes(4),
            2,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            SESSION_RENEWAL),
        CometConfig.Delivery.defaults(),
        proxy);
  }

  private TransportFixture(
      CometConfig.Limits limits,
      CometConfig.Heartbeat heartbeat,
      CometConfig.Delivery delivery,
      CometConfig.ProxyProtocol proxy) {
    CometConfig defaults = CometConfig.defaults();
    CometConfig.Listen l = defaults.listen();
    config =
        new CometConfig(
            defaults.node(),
            new CometConfig.Listen(
                l.host(),
                l.tcpPort(),
                l.wsPort(),
                l.wssPort(),
                l.tcpTlsPort(),
                l.grpcPort(),
                l.adminPort(),
                l.wsPath(),
                l.tls(),
                proxy,
                l.transport(),
                l.grpcTls()),
            new CometConfig.Protocol(4096, HANDSHAKE_TIMEOUT, 4),
            heartbeat,
            limits,
            defaults.outbound(),
            defaults.logic(),
            defaults.registry(),
            defaults.onlineReport(),
            defaults.drain(),
            delivery,
            defaults.admin());
    deliveries = new Deliveries(delivery, meters);
    cursors =
        new CursorBatcher(logic, "comet-test", delivery.cursorFlush(), UNUSED_SCHEDULER, meters);
    context =
        new TransportContext(
            config,
            new CometInstance("comet-test", 42L),
            buckets,
            logic,
            meters,
            new ConnectionLimiter(limits, meters, nanoTime::get),
            deliveries,
            cursors);
    tcp = new TcpChannelInitializer(context, null);
  }

  /** A new client connection over TCP; time stands still until the test advances it. */
  EmbeddedChannel tcp() {
    EmbeddedChannel channel = new EmbeddedChannel(tcp);
    channel.freezeTime();
    return channel;
  }

  /** A TCP connection that sent AUTH (version {@code version}) and was accepted. */
  EmbeddedChannel authenticated(ProtocolVersion version) {
    EmbeddedChannel channel = tcp();
    send(channel, version, 7, 1, AUTH_JSON);
    WireFrame reply = read(channel);
    if (reply == null || reply.op() != 8) {
      throw new AssertionError("expected AUTH_REPLY, got " + reply);
    }
    return channel;
  }

  /** The connection an authenticated channel's handler serves; {@code null} if there is none. */
  static Connection connection(EmbeddedChannel channel) {
    ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
    return handler == null ? null : handler.connection();
  }

  static ByteBuf encode(ProtocolVersion version, int op, int seq, byte[] body) {
    Frame frame = new Frame(version, op, seq, Unpooled.wrappedBuffer(body));
    try {
      return FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    } finally {
      frame.release();
    }
  }

  static void send(EmbeddedChannel channel, ProtocolVersion version, int op, int seq, String body) {
    channel.writeInbound(encode(version, op, seq, body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The next frame the server wrote, or {@code null}; runs pending tasks (Logic's replies) first.
   */
  static WireFrame read(EmbeddedChannel channel) {
    channel.runPendingTasks();
    ByteBuf out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    try {
      Frame frame = FrameCodec.decode(out, new FrameLimits(1 << 16));
      try {
        if (out.isReadable()) {
          throw new AssertionError(out.readableBytes() + " bytes after one frame");
        }
        return WireFrame.of(frame);
      } finally {
        frame.release();
      }
    } finally {
      out.release();
    }
  }

  /** The next buffer the server wrote, as bytes. */
  static byte[] readBytes(EmbeddedChannel channel) {
    channel.runPendingTasks();
    ByteBuf out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    try {
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  double count(String name, String... tags) {
    Counter counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }
}
