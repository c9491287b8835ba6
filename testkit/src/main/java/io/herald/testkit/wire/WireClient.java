package io.herald.testkit.wire;

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
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A real client device for tests: a TCP connection (like goim's Go client) or a WebSocket (like its
 * JavaScript client, one frame or op-9 batch per binary message) to a Comet, in protocol version 1
 * or 2, authenticated with goim's AUTH JSON. It keeps every frame it receives, in the version it
 * came in, noting whether it came inside an op-9 batch and when ({@link #frames}, {@link
 * #messages}); hands them out one at a time to a test that waits for them ({@link #await}); answers
 * requests by seq; and records the op-6 reason a server closes it with. It can also misbehave: send
 * raw bytes, a WebSocket text message, or stop reading.
 */
public final class WireClient implements AutoCloseable {
  /** Clients read batches, so they take larger frames than a Comet does. */
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]*)\"");

  private final ProtocolVersion version;
  private final FrameLog log = new FrameLog();
  private final AtomicInteger seqs = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Received>> replies = new ConcurrentHashMap<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final WireTransport transport;
  private volatile String key = "";

  private WireClient(ProtocolVersion version, Function<WireTransport.Sink, WireTransport> open) {
    this.version = version;
    this.transport = open.apply(new Sink());
  }

  /** A TCP client of {@code host:port}, speaking {@code version}. */
  public static WireClient tcp(String host, int port, ProtocolVersion version) {
    return new WireClient(version, sink -> new TcpTransport(new Socket(), host, port, true, sink));
  }

  /** A TCP client of {@code 127.0.0.1:port}. */
  public static WireClient tcp(int port, ProtocolVersion version) {
    return tcp("127.0.0.1", port, version);
  }

  /** A client on {@code socket} (e.g. an unconnected {@code SSLSocket}) to 127.0.0.1:port. */
  public static WireClient over(Socket socket, int port, ProtocolVersion version) {
    return new WireClient(version, sink -> new TcpTransport(socket, "127.0.0.1", port, true, sink));
  }

  /**
   * A TCP client of {@code 127.0.0.1:port} that never reads (with a small receive buffer): a client
   * that stopped reading, whose server's writes back up.
   */
  public static WireClient notReading(int port, ProtocolVersion version) {
    return new WireClient(
        version, sink -> new TcpTransport(new Socket(), "127.0.0.1", port, false, sink));
  }

  /** A WebSocket client of {@code ws://127.0.0.1:port/sub}, speaking {@code version}. */
  public static WireClient webSocket(int port, ProtocolVersion version) {
    URI uri = URI.create("ws://127.0.0.1:" + port + "/sub");
    return new WireClient(
        version, sink -> new WebSocketTransport(HttpClient.newHttpClient(), uri, sink));
  }

  /** A WebSocket client of {@code wss://127.0.0.1:port/sub} trusting {@code tls}'s certificates. */
  public static WireClient secureWebSocket(int port, SSLContext tls, ProtocolVersion version) {
    URI uri = URI.create("wss://127.0.0.1:" + port + "/sub");
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
    return new WireClient(version, sink -> new WebSocketTransport(http, uri, sink));
  }

  /**
   * goim's AUTH body: {@code {"mid":..,"key":"..","room_id":"..","platform":"web","accepts":[..]}}.
   */
  public static String authJson(long mid, String key, String room, int... accepts) {
    StringBuilder json =
        new StringBuilder("{\"mid\":")
            .append(mid)
            .append(",\"key\":\"")
            .append(key)
            .append("\",\"room_id\":\"")
            .append(room)
            .append("\",\"platform\":\"web\",\"accepts\":[");
    for (int i = 0; i < accepts.length; i++) {
      json.append(i == 0 ? "" : ",").append(accepts[i]);
    }
    return json.append("]}").toString();
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
    this.key = key;
    return request(Op.AUTH, authJson(mid, key, room, 1000, 1001)).thenApply(reply -> this);
  }

  /** Sends AUTH with {@code json} as its body and returns the AUTH_REPLY. */
  public Received auth(String json) {
    return await(request(Op.AUTH, json), "AUTH_REPLY");
  }

  /** Joins {@code room} (op 22) and waits for the reply (op 23). */
  public WireClient join(String room) {
    await(request(Op.JOIN_ROOM, room), "JOIN_ROOM_REPLY for " + room);
    return this;
  }

  /** Sends op 2 and waits for op 3; returns the online count it carries. */
  public int heartbeat() {
    return await(request(Op.HEARTBEAT, ""), "HEARTBEAT_REPLY").bodyInt();
  }

  /**
   * Sends a frame of {@code op} with {@code body} and the next seq; completes with the reply of the
   * same seq, exceptionally if the connection closes first.
   */
  public CompletableFuture<Received> request(int op, String body) {
    return request(op, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends a frame of {@code op} with {@code body} and the next seq; completes with the reply of the
   * same seq, exceptionally if the connection closes first.
   */
  public CompletableFuture<Received> request(int op, byte[] body) {
    int seq = seqs.incrementAndGet();
    CompletableFuture<Received> reply = new CompletableFuture<>();
    replies.put(seq, reply);
    if (closed.isDone()) {
      reply.completeExceptionally(new IllegalStateException("closed: " + closed.join()));
      return reply;
    }
    send(op, seq, body);
    return reply;
  }

  /** Sends a frame of {@code op} and {@code seq} in this client's version. */
  public void send(int op, int seq, String body) {
    send(op, seq, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a frame of {@code op} and {@code seq} in this client's version. */
  public void send(int op, int seq, byte[] body) {
    Frame frame = new Frame(version, op, seq, Unpooled.wrappedBuffer(body));
    ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    try {
      transport.send(ByteBufUtil.getBytes(encoded));
    } finally {
      encoded.release();
      frame.release();
    }
  }

  /** Sends {@code bytes} as they are (on WebSocket, as one binary message). */
  public void sendBytes(byte[] bytes) {
    transport.send(bytes);
  }

  /** Sends a WebSocket text message. */
  public void sendText(String text) {
    transport.sendText(text);
  }

  /** The next frame of {@code op} not handed out yet, within 10 s. */
  public Received await(int op) {
    return await(op, WAIT);
  }

  /** The next frame of {@code op} not handed out yet, within {@code timeout}. */
  public Received await(int op, Duration timeout) {
    return await(frame -> frame.op() == op, timeout, "frame of op " + op);
  }

  /**
   * The next frame matching {@code wanted} not handed out yet, within {@code timeout}; frames
   * skipped over stay for later.
   *
   * @throws AssertionError if none came
   */
  public Received await(Predicate<Received> wanted, Duration timeout, String what) {
    try {
      return log.await(wanted, timeout, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }

  /** Every frame matching {@code wanted}, not handed out yet, by the end of {@code window}. */
  public List<Received> collect(Predicate<Received> wanted, Duration window) {
    try {
      return log.collect(wanted, window);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted collecting frames", e);
    }
  }

  /** Every frame so far, in arrival order (the frames of an op-9 batch one by one). */
  public List<Received> frames() {
    return log.frames();
  }

  /** Every business message (op >= 1000) so far, in arrival order. */
  public List<Received> messages() {
    return log.frames().stream().filter(frame -> frame.op() >= Op.BUSINESS_MIN).toList();
  }

  /** The bodies of every business message so far, in arrival order. */
  public List<String> texts() {
    return messages().stream().map(Received::text).toList();
  }

  /** Every op-9 frame so far, as the frames it held. */
  public List<List<Received>> batches() {
    return log.batches();
  }

  /** The device key: the one asked for, or (version 2) the one the server gave. */
  public String key() {
    return key;
  }

  /** Completes, with the op-6 reason if one came (version 2) or "", when the connection closes. */
  public CompletableFuture<String> closed() {
    return closed.copy();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    transport.close();
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

  /** Decodes whole frames, an op-9 frame into its inner frames. */
  private final class Sink implements WireTransport.Sink {
    @Override
    public void received(ByteBuf bytes) {
      long now = System.nanoTime();
      while (bytes.isReadable()) {
        Frame frame = FrameCodec.decode(bytes, LIMITS);
        try {
          if (frame.op() == Op.RAW) {
            List<Frame> inner = RawBatch.split(frame.body(), LIMITS);
            List<Received> batch = new ArrayList<>();
            for (Frame one : inner) {
              batch.add(Received.of(one, inner.size() > 1, now));
              one.release();
            }
            log.addBatch(batch);
            batch.forEach(WireClient.this::answered);
          } else {
            Received one = Received.of(frame, false, now);
            log.add(one);
            answered(one);
          }
        } finally {
          frame.release();
        }
      }
    }

    @Override
    public void closed() {
      closed.complete("");
      replies.values().forEach(r -> r.completeExceptionally(new IllegalStateException("closed")));
    }
  }

  private void answered(Received frame) {
    if (frame.op() >= Op.BUSINESS_MIN) {
      return;
    }
    if (frame.op() == Op.AUTH_REPLY) {
      Matcher given = KEY.matcher(frame.text());
      if (given.find()) {
        key = given.group(1);
      }
    }
    if (frame.op() == Op.DISCONNECT_REPLY) {
      closed.complete(frame.text());
      transport.close();
    }
    CompletableFuture<Received> reply = replies.remove(frame.seq());
    if (reply != null) {
      reply.complete(frame);
    }
  }
}
