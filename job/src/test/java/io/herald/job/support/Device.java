package io.herald.job.support;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real client device for Job's tests: a TCP connection (like goim's Go client) or a WebSocket
 * (like its JavaScript client) to a Comet, authenticated with goim's AUTH JSON. It keeps every
 * business message it receives (op >= 1000), noting whether it came inside an op-9 batch and when.
 */
public final class Device implements AutoCloseable {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);

  /**
   * A business message received.
   *
   * @param batched whether it arrived inside an op-9 batch of several frames
   * @param arrivedNanos {@link System#nanoTime()} at arrival
   */
  public record Message(int op, String text, boolean batched, long arrivedNanos) {}

  private final ProtocolVersion version;
  private final Transport transport;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> authenticated = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private interface Transport {
    void send(byte[] bytes);

    void close();
  }

  private Device(ProtocolVersion version, TransportFactory factory) {
    this.version = version;
    this.transport = factory.open(this);
  }

  private interface TransportFactory {
    Transport open(Device device);
  }

  /** A TCP device on {@code port} of 127.0.0.1, speaking {@code version}. */
  public static Device tcp(int port, ProtocolVersion version) {
    return new Device(version, device -> device.new Tcp(port));
  }

  /** A WebSocket device on {@code ws://127.0.0.1:port/sub}, speaking {@code version}. */
  public static Device webSocket(int port, ProtocolVersion version) {
    return new Device(version, device -> device.new Ws(port));
  }

  /** Authenticates as {@code mid} with device {@code key} in {@code room} ("" for none). */
  public Device auth(long mid, String key, String room) {
    String json =
        "{\"mid\":"
            + mid
            + ",\"key\":\""
            + key
            + "\",\"room_id\":\""
            + room
            + "\",\"platform\":\"web\",\"accepts\":[1000,1001]}";
    send(Op.AUTH, json.getBytes(StandardCharsets.UTF_8));
    try {
      authenticated.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no AUTH_REPLY for " + key + " within 10 s", e);
    }
    return this;
  }

  /** Every business message so far, in arrival order. */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The bodies of every business message so far, in arrival order. */
  public List<String> texts() {
    return messages.stream().map(Message::text).toList();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  private void send(int op, byte[] body) {
    Frame frame = new Frame(version, op, 1, Unpooled.wrappedBuffer(body));
    ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    try {
      transport.send(ByteBufUtil.getBytes(encoded));
    } finally {
      encoded.release();
      frame.release();
    }
  }

  /** Decodes whole frames, an op-9 frame into its inner frames. */
  private void accept(ByteBuf bytes) {
    long now = System.nanoTime();
    while (bytes.isReadable()) {
      Frame frame = FrameCodec.decode(bytes, LIMITS);
      try {
        if (frame.op() == Op.RAW) {
          List<Frame> inner = RawBatch.split(frame.body(), LIMITS);
          for (Frame one : inner) {
            received(one, inner.size() > 1, now);
            one.release();
          }
        } else {
          received(frame, false, now);
        }
      } finally {
        frame.release();
      }
    }
  }

  private void received(Frame frame, boolean batched, long now) {
    if (frame.op() == Op.AUTH_REPLY) {
      authenticated.complete(null);
    } else if (frame.op() >= Op.BUSINESS_MIN) {
      messages.add(
          new Message(frame.op(), frame.body().toString(StandardCharsets.UTF_8), batched, now));
    }
  }

  @Override
  public void close() {
    transport.close();
  }

  private final class Tcp implements Transport {
    private final Socket socket;
    private final OutputStream out;

    Tcp(int port) {
      try {
        socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread reader = new Thread(this::read, "device-tcp-" + port);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
        while (true) {
          int packLen = in.readInt();
          byte[] rest = new byte[packLen - 4];
          in.readFully(rest);
          ByteBuf frame = Unpooled.buffer(packLen).writeInt(packLen).writeBytes(rest);
          try {
            accept(frame);
          } finally {
            frame.release();
          }
        }
      } catch (IOException | RuntimeException e) {
        closed.complete(null);
      }
    }

    @Override
    public synchronized void send(byte[] bytes) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private final class Ws implements Transport, WebSocket.Listener {
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final WebSocket socket;

    Ws(int port) {
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(URI.create("ws://127.0.0.1:" + port + "/sub"), this)
              .join();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] part = new byte[data.remaining()];
      data.get(part);
      message.writeBytes(part);
      if (last) {
        ByteBuf frame = Unpooled.wrappedBuffer(message.toByteArray());
        message.reset();
        try {
          accept(frame);
        } finally {
          frame.release();
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(null);
    }

    @Override
    public void send(byte[] bytes) {
      socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
