package io.herald.comet.push;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.comet.transport.WebSocketCodec;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.herald.wire.codec.TcpFrameEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Authenticated client connections on real (embedded) Netty channels with the transports' outbound
 * encoders, registered in {@link Buckets}, and what their clients read. {@link #finish()} checks
 * every channel was left with nothing unread.
 */
public final class Clients {
  /** What a client reading batches accepts. */
  static final FrameLimits LIMITS = new FrameLimits(64 * 1024);

  private final Buckets buckets;
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Each channel's connection, for the tests (the server keeps it in the channel's handler). */
  private static final AttributeKey<Connection> CONNECTION =
      AttributeKey.valueOf("herald.test.connection");

  public Clients(Buckets buckets) {
    this.buckets = buckets;
  }

  /** A frame as the client decoded it; {@code batch} holds an op-9 frame's inner frames. */
  public record Received(
      ProtocolVersion version, int op, int seq, String body, List<Received> batch) {}

  /** A TCP connection of {@code key} in {@code rooms}; no {@code accepts} means every op. */
  public EmbeddedChannel tcp(
      String key, ProtocolVersion version, Set<String> rooms, int... accepts) {
    EmbeddedChannel channel = new EmbeddedChannel(TcpFrameEncoder.INSTANCE);
    return connect(channel, TransportKind.TCP, key, version, rooms, accepts);
  }

  public EmbeddedChannel webSocket(
      String key, ProtocolVersion version, Set<String> rooms, int... accepts) {
    EmbeddedChannel channel = new EmbeddedChannel(new ServerMessages(), new WebSocketCodec(LIMITS));
    return connect(channel, TransportKind.WS, key, version, rooms, accepts);
  }

  private EmbeddedChannel connect(
      EmbeddedChannel channel,
      TransportKind transport,
      String key,
      ProtocolVersion version,
      Set<String> rooms,
      int... accepts) {
    channel.freezeTime();
    Connection connection =
        new Connection(channel, transport, 1, 1L, key, "web", version, rooms, accepts);
    channel.attr(CONNECTION).set(connection);
    buckets.add(connection);
    channels.add(channel);
    return channel;
  }

  public static Connection connection(EmbeddedChannel channel) {
    return channel.attr(CONNECTION).get();
  }

  /** Queues {@code bytes} unflushed on a channel with tiny watermarks, so it is unwritable. */
  public static void fillWriteQueue(EmbeddedChannel channel, int bytes) {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    ChannelFuture unused = channel.write(Unpooled.wrappedBuffer(new byte[bytes]));
    assertThat(channel.isWritable()).isFalse();
  }

  /** Everything written to {@code channel}, as its client decodes it; the buffers are released. */
  public static List<Received> read(EmbeddedChannel channel) {
    List<Received> received = new ArrayList<>();
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      try {
        received.addAll(decode(msg));
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
    return received;
  }

  /**
   * One outbound message as the client decodes it: the frames of a TCP buffer, or the one frame of
   * a WebSocket message. {@code msg} is not released.
   */
  static List<Received> decode(Object msg) {
    List<Received> received = new ArrayList<>();
    if (msg instanceof CloseWebSocketFrame) {
      return received; // closing a WebSocket says so; not a frame
    }
    if (msg instanceof BinaryWebSocketFrame message) {
      ByteBuf in = message.content().duplicate();
      received.add(decode(in));
      assertThat(in.isReadable()).as("bytes after the frame of a message").isFalse();
    } else {
      ByteBuf in = ((ByteBuf) msg).duplicate();
      while (in.isReadable()) {
        received.add(decode(in));
      }
    }
    return received;
  }

  private static Received decode(ByteBuf in) {
    Frame frame = FrameCodec.decode(in, LIMITS);
    try {
      List<Received> batch = List.of();
      if (frame.op() == Op.RAW) {
        List<Frame> inner = RawBatch.split(frame.body(), LIMITS);
        try {
          batch = inner.stream().map(Clients::received).toList();
        } finally {
          inner.forEach(Frame::release);
        }
      }
      return new Received(
          frame.version(), frame.op(), frame.seq(), frame.body().toString(UTF_8), batch);
    } finally {
      frame.release();
    }
  }

  private static Received received(Frame frame) {
    return new Received(
        frame.version(), frame.op(), frame.seq(), frame.body().toString(UTF_8), List.of());
  }

  /** A frame as a client should receive a push: seq 0, no batch. */
  public static Received pushed(ProtocolVersion version, int op, String body) {
    return new Received(version, op, 0, body, List.of());
  }

  /** Whether two buffers are views of the same bytes (not copies of them). */
  static boolean sameMemory(ByteBuf a, ByteBuf b) {
    if (a.hasMemoryAddress() && b.hasMemoryAddress()) {
      return a.memoryAddress() + a.readerIndex() == b.memoryAddress() + b.readerIndex();
    }
    return a.hasArray()
        && b.hasArray()
        && a.array() == b.array()
        && a.arrayOffset() + a.readerIndex() == b.arrayOffset() + b.readerIndex();
  }

  static double count(MeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  /**
   * Asserts every channel was left with nothing unread or unreleased (before closing it: closing a
   * WebSocket writes its close frame).
   */
  public void finish() {
    for (EmbeddedChannel channel : channels) {
      channel.runPendingTasks();
      assertThat(channel.outboundMessages()).as("%s left messages", channel).isEmpty();
      assertThat(channel.inboundMessages()).as("%s left messages", channel).isEmpty();
      boolean unused = channel.finishAndReleaseAll();
    }
  }

  /**
   * What a WebSocket client reads: each whole binary message the server's codec wrote (unmasked,
   * final) as a {@link BinaryWebSocketFrame}, a close frame as a {@link CloseWebSocketFrame}; any
   * other buffer (a test's filler) as is.
   */
  private static final class ServerMessages extends MessageToMessageEncoder<ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      int first = msg.isReadable() ? msg.getUnsignedByte(msg.readerIndex()) : 0;
      if (first != 0x82 && first != 0x88) {
        out.add(msg.retain());
        return;
      }
      ByteBuf in = msg.duplicate();
      in.skipBytes(1);
      int length7 = in.readUnsignedByte();
      assertThat(length7 & 0x80).as("mask bit of a server frame").isZero();
      long length =
          length7 < 126 ? length7 : length7 == 126 ? in.readUnsignedShort() : in.readLong();
      assertThat(in.readableBytes()).as("one whole message per buffer").isEqualTo(length);
      out.add(
          first == 0x82
              ? new BinaryWebSocketFrame(in.retainedSlice())
              : new CloseWebSocketFrame(true, 0, in.retainedSlice()));
    }
  }
}
