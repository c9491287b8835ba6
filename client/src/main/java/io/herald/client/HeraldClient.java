package io.herald.client;

import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Herald client: one long connection to a Comet over TCP or WebSocket, in protocol version 1
 * (goim's) or 2 (with CRC32C), kept alive by the adaptive heartbeat and moved to another Comet when
 * it is lost or the server asks (op 21).
 *
 * <pre>{@code
 * try (HeraldClient client = HeraldClient.builder()
 *     .balancer(URI.create("http://balancer:3131"))
 *     .mid(123).token(jwt).platform("android")
 *     .room("live://1000")
 *     .listener(new HeraldListener() {
 *       public void onMessage(Message m) { ... }
 *     })
 *     .build()) {
 *   client.start().join();
 *   Message reply = client.send("hello".getBytes(UTF_8)).join();
 * }
 * }</pre>
 *
 * <p>Acked and stored pushes (op 26) are acked automatically, handed to {@link
 * HeraldListener#onMessage} once each (duplicates dropped by message id and inbox seq) and, when
 * stored, in inbox order: in protocol version 2 the client SYNCs (op 19) the user's inbox after
 * every connect from its {@link #inboxPosition()} (kept by the builder's {@link InboxStore}), on
 * inbox notices (op 27) and past a gap; a lost or trimmed inbox is reported to {@link
 * HeraldListener#onInboxReset}.
 *
 * <p>Thread-safe: every method may be called from any thread; the work happens on the client's
 * event loop (one thread; shared when the builder is given a group), where listener callbacks run
 * too unless a callback executor is set. Futures complete on the event loop: do not block in their
 * callbacks. {@link #close()} ends the connection and the client's own event loop.
 */
public final class HeraldClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeraldClient.class);

  private final ClientEventLoop loop;
  private final ConnectionKeeper keeper;
  private final Chat chat;

  private HeraldClient(ClientConfig config) {
    this.loop = new ClientEventLoop(config.group());
    this.keeper =
        new ConnectionKeeper(config, loop.loop(), new Bootstrap().channel(NioSocketChannel.class));
    this.chat = new Chat(loop, keeper.chatRequests(), keeper.chatSession(), config.version());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts connecting (idempotent). The future completes with the first authenticated connection;
   * the client keeps trying until then (and after every loss) until closed.
   */
  public CompletableFuture<ConnectionInfo> start() {
    return keeper.start();
  }

  /** Where the client stands now. */
  public ClientState state() {
    return keeper.state();
  }

  /** The authenticated connection, if there is one now. */
  public Optional<ConnectionInfo> connection() {
    return Optional.ofNullable(keeper.info());
  }

  /**
   * Where the client stands in its user's inbox: the last stored message handed to the listener,
   * without a gap ({@link InboxStore} keeps it between runs). Empty before the first SYNC answered,
   * and always with sync off.
   */
  public Optional<InboxPosition> inboxPosition() {
    return keeper.inboxPosition();
  }

  /**
   * Chat (protocol version 2): send, list, history, mark read, and — when the builder has a {@link
   * Builder#chatListener} — messages, receipts and unread counts. The same object every call.
   */
  public Chat chat() {
    return chat;
  }

  /** The adaptive heartbeat's current interval. */
  public Duration heartbeatInterval() {
    return keeper.heartbeatInterval();
  }

  /** The rooms the client is in (and rejoins after a reconnect). */
  public Set<String> rooms() {
    return loop.call(keeper::rooms).join();
  }

  /**
   * Sends an upstream message (op 4, {@code SEND_MSG}); completes with the server's reply (op 5)
   * carrying the same seq. See {@link #request(int, byte[], int)} for the failures.
   */
  public CompletableFuture<Message> send(byte[] body) {
    return request(Op.SEND_MSG, body, Op.SEND_MSG_REPLY);
  }

  /**
   * Sends {@code op} with {@code body} and completes with the frame of op {@code replyOp} and the
   * same seq. Fails with {@link HeraldClientException.NotConnected} when there is no connection
   * (requests are not queued across reconnects), {@link TimeoutException} when no reply comes
   * within the request timeout, {@link HeraldClientException.ConnectionLost} when the connection
   * closes first.
   */
  public CompletableFuture<Message> request(int op, byte[] body, int replyOp) {
    byte[] copy = body.clone();
    return loop.call(() -> keeper.request(op, copy, replyOp)).thenCompose(f -> f);
  }

  /** Sends {@code op} (a business op, say) expecting no reply; completes once written. */
  public CompletableFuture<Void> post(int op, byte[] body) {
    byte[] copy = body.clone();
    return loop.call(() -> keeper.post(op, copy)).thenCompose(f -> f);
  }

  /**
   * Joins {@code room} ({@code type://id}, op 22) besides the current rooms; completes on the
   * server's echo, or at once when not connected (the room is joined on the next connection). The
   * client rejoins its rooms after every reconnect.
   */
  public CompletableFuture<Void> joinRoom(String room) {
    Subscriptions.checkRoom(room);
    return loop.call(() -> keeper.joinRoom(room)).thenCompose(f -> f);
  }

  /** Leaves {@code room} (op 24); completes like {@link #joinRoom}. */
  public CompletableFuture<Void> leaveRoom(String room) {
    Subscriptions.checkRoom(room);
    return loop.call(() -> keeper.leaveRoom(room)).thenCompose(f -> f);
  }

  /** Asks for pushes of {@code ops} (op 14 {@code SUB}); kept across reconnects. */
  public CompletableFuture<Void> subscribe(int... ops) {
    List<Integer> list = Subscriptions.ops(ops);
    return loop.call(() -> keeper.subscribe(list)).thenCompose(f -> f);
  }

  /** Stops pushes of {@code ops} (op 16 {@code UNSUB}); kept across reconnects. */
  public CompletableFuture<Void> unsubscribe(int... ops) {
    List<Integer> list = Subscriptions.ops(ops);
    return loop.call(() -> keeper.unsubscribe(list)).thenCompose(f -> f);
  }

  /**
   * Closes the connection, stops reconnecting and, unless the event loop group was given, shuts the
   * client's event loop down (waiting up to 5 s, unless called on the loop itself). Idempotent.
   */
  @Override
  public void close() {
    loop.close(keeper::close);
    log.debug("Client closed");
  }

  /** Settings of a {@link HeraldClient}; only a node list or a Balancer is required. */
  public static final class Builder {
    private Transport transport = Transport.TCP;
    private ProtocolVersion version = ProtocolVersion.V2;
    private final List<String> nodes = new ArrayList<>();
    private URI balancer;
    private String webSocketPath = "/sub";
    private long mid;
    private String key = "";
    private String platform = "java";
    private String token = "";
    private final Set<String> rooms = new LinkedHashSet<>();
    private final Set<Integer> accepts = new LinkedHashSet<>();
    private HeartbeatPolicy heartbeat = HeartbeatPolicy.DEFAULT;
    private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxBodyLength = 64 * 1024;
    private HeraldListener listener = new HeraldListener() {};
    private Executor callbackExecutor = Runnable::run;
    private EventLoopGroup group;
    private ClientScheduler scheduler;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private LongSupplier nanoTime = System::nanoTime;
    private Boolean sync;
    private InboxStore inboxStore;
    private ChatListener chatListener;
    private ChatRetryPolicy chatRetry = ChatRetryPolicy.DEFAULT;

    private Builder() {}

    /** TCP (default) or WebSocket. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Protocol version 2 (default, CRC32C-checked) or 1 (goim's). */
    public Builder protocolVersion(ProtocolVersion version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Comets ({@code host:port} for the chosen transport) tried after the Balancer's list, or
     * instead of it when no Balancer is set.
     */
    public Builder nodes(String... nodes) {
      for (String node : nodes) {
        HostPort.parse(node);
        this.nodes.add(node);
      }
      return this;
    }

    /** The Balancer ({@code http://host:3131}); asked for nodes before every round. */
    public Builder balancer(URI balancer) {
      this.balancer = Objects.requireNonNull(balancer, "balancer");
      return this;
    }

    /** The WebSocket path, {@code /sub} by default. */
    public Builder webSocketPath(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("webSocketPath: '" + path + "' (expected: /...)");
      }
      this.webSocketPath = path;
      return this;
    }

    /** The user id sent in AUTH (believed only by Logic's trust mode; else the token's). */
    public Builder mid(long mid) {
      this.mid = mid;
      return this;
    }

    /** The device key; empty (default) lets Logic assign one, which the client then keeps. */
    public Builder key(String key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** {@code web}, {@code android}, {@code ios}, ... ({@code java} by default). */
    public Builder platform(String platform) {
      this.platform = Objects.requireNonNull(platform, "platform");
      return this;
    }

    /** The credential Logic checks (a JWT or business token); none by default. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** A room to be in from the start; the first is named in AUTH, the rest joined after it. */
    public Builder room(String room) {
      rooms.add(Subscriptions.checkRoom(room));
      return this;
    }

    /** The ops to be pushed (AUTH's {@code accepts}); none listed means all. */
    public Builder accepts(int... ops) {
      Arrays.stream(ops).forEach(accepts::add);
      return this;
    }

    public Builder heartbeat(HeartbeatPolicy heartbeat) {
      this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
      return this;
    }

    public Builder reconnect(ReconnectPolicy reconnect) {
      this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
      return this;
    }

    /** For one attempt: connect, WebSocket handshake and AUTH_REPLY (5 s by default). */
    public Builder connectTimeout(Duration timeout) {
      HeartbeatPolicy.positive("connectTimeout", timeout);
      this.connectTimeout = timeout;
      return this;
    }

    /** How long a request waits for its reply (10 s by default). */
    public Builder requestTimeout(Duration timeout) {
      HeartbeatPolicy.positive("requestTimeout", timeout);
      this.requestTimeout = timeout;
      return this;
    }

    /** The largest frame body read (64 KiB by default: op-9 batches hold many frames). */
    public Builder maxBodyLength(int bytes) {
      new FrameLimits(bytes);
      this.maxBodyLength = bytes;
      return this;
    }

    public Builder listener(HeraldListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Where listener callbacks run; by default on the event loop (they must not block there). */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * An event loop group to share (NIO); the client takes one loop of it and does not shut it
     * down. By default each client has its own single-thread group.
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Where timers come from (tests); by default the event loop. Tasks still run on the loop. */
    public Builder scheduler(ClientScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Uniform [0, 1) values for the reconnect jitter (tests). */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A nanosecond ticker for how long connections lasted (tests). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * Whether the client keeps an inbox position and SYNCs (op 19) stored messages: after every
     * connect, on an inbox notice (op 27), and when a stored message arrives past a gap. On by
     * default in protocol version 2; version 1 has no inbox delivery, so {@code true} is refused
     * there. Off, stored messages are handed over as pushed (deduplicated by id) and notices are
     * ignored.
     */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /**
     * Where the inbox position is kept per user between runs; a {@link MemoryInboxStore} of the
     * client's own by default (a restarted process then syncs from the oldest message kept).
     */
    public Builder inboxStore(InboxStore store) {
      this.inboxStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Turns the receiving side of chat on (protocol version 2): chat messages (op 36) and receipts
     * (op 37) go to {@code listener} instead of {@link HeraldListener#onMessage}; after every
     * connect and inbox reset the client lists the user's conversations (unread counts, read
     * fan-out groups), joins each read fan-out group's room and pulls its new messages on its
     * notices (op 38). When {@link #accepts} lists ops, 36, 37 and 38 are added to them.
     */
    public Builder chatListener(ChatListener listener) {
      this.chatListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How chat requests are retried ({@link ChatRetryPolicy#DEFAULT} by default). */
    public Builder chatRetry(ChatRetryPolicy policy) {
      this.chatRetry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * A client, not started.
     *
     * @throws IllegalStateException if neither nodes nor a Balancer are set, or sync is asked of
     *     protocol version 1, or a chat listener with protocol version 1
     */
    public HeraldClient build() {
      if (nodes.isEmpty() && balancer == null) {
        throw new IllegalStateException("nodes: none (expected: nodes or a balancer)");
      }
      if (Boolean.TRUE.equals(sync) && version == ProtocolVersion.V1) {
        throw new IllegalStateException(
            "sync: true with protocol version 1 (expected: version 2; version 1 has no inbox"
                + " delivery)");
      }
      if (chatListener != null && version == ProtocolVersion.V1) {
        throw new IllegalStateException(
            "chatListener: set with protocol version 1 (expected: version 2; chat is version 2"
                + " only)");
      }
      Set<Integer> accepted = new LinkedHashSet<>(accepts);
      if (chatListener != null && !accepted.isEmpty()) {
        accepted.addAll(List.of(Op.CHAT_MESSAGE, Op.CHAT_RECEIPT, Op.CHAT_NOTICE));
      }
      return new HeraldClient(
          new ClientConfig(
              transport,
              version,
              List.copyOf(nodes),
              balancer,
              webSocketPath,
              mid,
              key,
              platform,
              token,
              List.copyOf(rooms),
              List.copyOf(accepted),
              heartbeat,
              reconnect,
              connectTimeout,
              requestTimeout,
              new FrameLimits(maxBodyLength),
              listener,
              callbackExecutor,
              group,
              scheduler,
              random,
              nanoTime,
              sync == null ? version == ProtocolVersion.V2 : sync,
              inboxStore == null ? new MemoryInboxStore() : inboxStore,
              chatListener,
              chatRetry));
    }
  }
}
