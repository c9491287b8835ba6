package io.herald.testkit;

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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real client device for tests: a TCP connection (like goim's Go client) or a WebSocket (like its
 * JavaScript client, one frame or op-9 batch per binary message) to a Comet, in protocol version 1
 * or 2, authenticated with goim's AUTH JSON. It keeps every business message it receives (op >=
 * 1000), noting whether it came inside an op-9 batch of several frames and when, answers requests
 * by seq, and records the op-6 reason a server closes it with. One reader thread per TCP client.
 */
public final class WireClient implements AutoCloseable {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]*)\"");

  /**
   * A business message received.
   *
   * @param batched whether it arrived inside an op-9 batch of several frames
   * @param arrivedNanos {@link System#nanoTime()} at arrival
   */
  public record Message(int op, String text, boolean batched, long arrivedNanos) {}

  private final ProtocolVersion version;
  private final Transport transport;
  private final AtomicInteger seqs = new AtomicInteger();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final Map<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile String key = "";

  private interface Transport {
    void send(byte[] bytes);

    void close();
  }

  private WireClient(ProtocolVersion version, Function<WireClient, Transport> open) {
    this.version = version;
    this.transport = open.apply(this);
  }

  /** A TCP client of {@code host:port}, speaking {@code version}. */
  public static WireClient tcp(String host, int port, ProtocolVersion version) {
    return new WireClient(version, client -> client.new Tcp(host, port));
  }

  /** A TCP client of {@code 127.0.0.1:port}. */
  public static WireClient tcp(int port, ProtocolVersion version) {
    return tcp("127.0.0.1", port, version);
  }

  /** A WebSocket client of {@code ws://127.0.0.1:port/sub}, speaking {@code version}. */
  public static WireClient webSocket(int port, ProtocolVersion version) {
    return new WireClient(version, client -> client.new Ws(port));
  }

  /**
   * Authenticates as {@code mid} with device {@code key} ("" for a fresh one) in {@code room} (""
   * for none), accepting ops 1000 and 1001, and waits for AUTH_REPLY.
   *
   * @throws IllegalStateException if no AUTH_REPLY came within 10 s (refused, or closed)
   */
  public WireClient auth(long mid, String key, String room) {
    await(authAsync(mid, key, room), "AUTH_REPLY for " + key);
    return this;
  }

  /** Sends AUTH as {@link #auth} does, without waiting; completes once AUTH_REPLY arrives. */
  public CompletableFuture<WireClient> authAsync(long mid, String key, String room) {
    String json =
        "{\"mid\":"
            + mid
            + ",\"key\":\""
            + key
            + "\",\"room_id\":\""
            + room
            + "\",\"platform\":\"web\",\"accepts\":[1000,1001]}";
    this.key = key;
    return request(Op.AUTH, json)
        .thenApply(
            reply -> {
              Matcher given = KEY.matcher(reply);
              if (given.find()) {
                this.key = given.group(1);
              }
              return this;
            });
  }

  /** Joins {@code room} (op 22) and waits for the reply (op 23). */
  public WireClient join(String room) {
    await(request(Op.JOIN_ROOM, room), "JOIN_ROOM_REPLY for " + room);
    return this;
  }

  /** Sends op 2 and waits for op 3; returns the online count it carries. */
  public int heartbeat() {
    CompletableFuture<String> reply = request(Op.HEARTBEAT, "");
    await(reply, "HEARTBEAT_REPLY");
    return lastHeartbeat;
  }

  private volatile int lastHeartbeat;

  /**
   * Sends a frame of {@code op} with {@code body}; completes with the body of the reply of the same
   * seq (as UTF-8), exceptionally if the connection closes first.
   */
  public CompletableFuture<String> request(int op, String body) {
    int seq = seqs.incrementAndGet();
    CompletableFuture<String> reply = new CompletableFuture<>();
    replies.put(seq, reply);
    if (closed.isDone()) {
      reply.completeExceptionally(new IllegalStateException("closed: " + closed.join()));
      return reply;
    }
    send(op, seq, body.getBytes(StandardCharsets.UTF_8));
    return reply;
  }

  /** The device key: the one asked for, or (version 2) the one the server gave. */
  public String key() {
    return key;
  }

  /** Every business message so far, in arrival order. */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The bodies of every business message so far, in arrival order. */
  public List<String> texts() {
    return messages.stream().map(Message::text).toList();
  }

  /** Completes, with the op-6 reason if one came (version 2) or "", when the connection closes. */
  public CompletableFuture<String> closed() {
    return closed.copy();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  private static <T> T await(CompletableFuture<T> reply, String what) {
    try {
      return reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("no " + what + " within " + WAIT.toSeconds() + " s", e);
    }
  }

  private void send(int op, int seq, byte[] body) {
    Frame frame = new Frame(version, op, seq, Unpooled.wrappedBuffer(body));
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
    String text = frame.body().toString(StandardCharsets.UTF_8);
    if (frame.op() >= Op.BUSINESS_MIN) {
      messages.add(new Message(frame.op(), text, batched, now));
      return;
    }
    if (frame.op() == Op.HEARTBEAT_REPLY && frame.body().readableBytes() >= 4) {
      lastHeartbeat = frame.body().getInt(frame.body().readerIndex());
    }
    if (frame.op() == Op.DISCONNECT_REPLY) {
      closed.complete(text);
      transport.close();
    }
    CompletableFuture<String> reply = replies.remove(frame.seq());
    if (reply != null) {
      reply.complete(text);
    }
  }

  private void closedNow() {
    closed.complete("");
    replies.values().forEach(r -> r.completeExceptionally(new IllegalStateException("closed")));
  }

  @Override
  public void close() {
    transport.close();
  }

  private final class Tcp implements Transport {
    private final Socket socket;
    private final OutputStream out;

    Tcp(String host, int port) {
      try {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread reader = new Thread(this::read, "wire-client-tcp-" + port);
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
        closedNow();
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
      closedNow();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closedNow();
    }

    @Override
    public void send(byte[] bytes) {
      socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public void close() {
      socket.abort();
      closedNow();
    }
  }
}
