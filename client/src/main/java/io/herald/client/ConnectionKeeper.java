package io.herald.client;

import io.herald.wire.Op;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's state machine, confined to its event loop: walks the node list in rounds, keeps one
 * authenticated connection, re-authenticates and rejoins the application's rooms after a reconnect,
 * and honours RECONNECT (op 21: the hinted nodes first, at once) and DISCONNECT (op 6).
 */
final class ConnectionKeeper implements ServerConnection.Events {
  private static final Logger log = LoggerFactory.getLogger(ConnectionKeeper.class);

  /** Reasons in op 6 that mean another connection took this one's place: do not fight back. */
  private static final List<String> KICKS = List.of("replaced", "duplicate", "kick");

  private final ClientConfig config;
  private final EventLoop loop;
  private final ClientScheduler timers;
  private final AdaptiveHeartbeat adaptive;
  private final BalancerNodes balancer;
  private final Bootstrap bootstrap;
  private final Set<String> rooms;
  private final Set<Integer> accepts;
  private final Set<Integer> unsubscribed = new LinkedHashSet<>();
  private final CompletableFuture<ConnectionInfo> firstConnection = new CompletableFuture<>();
  private String key;
  private volatile ClientState state = ClientState.NEW;
  private volatile ConnectionInfo info;
  private ServerConnection current;
  private List<String> hints = List.of();
  private int failures;
  private long connectedAt;
  private boolean leaving;
  private boolean kicked;
  private ClientScheduler.Cancellable waiting;

  ConnectionKeeper(ClientConfig config, EventLoop loop, Bootstrap bootstrap) {
    this.config = config;
    this.loop = loop;
    ClientScheduler base =
        config.scheduler() == null ? ClientScheduler.of(loop) : config.scheduler();
    // Whoever keeps time, the tasks run on the loop.
    this.timers = (task, delay) -> base.schedule(() -> loop.execute(task), delay);
    this.adaptive = new AdaptiveHeartbeat(config.heartbeat());
    this.balancer =
        config.balancer() == null
            ? null
            : new BalancerNodes(
                config.balancer(),
                config.platform(),
                config.reconnect().attemptsPerRound(),
                config.transport(),
                config.connectTimeout(),
                loop);
    this.bootstrap =
        bootstrap
            .group(loop)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    this.rooms = new LinkedHashSet<>(config.rooms());
    this.accepts = new LinkedHashSet<>(config.accepts());
    this.key = config.key();
  }

  ClientState state() {
    return state;
  }

  ConnectionInfo info() {
    return info;
  }

  /** The current heartbeat interval (read from any thread; approximate). */
  Duration heartbeatInterval() {
    return adaptive.current();
  }

  EventLoop loop() {
    return loop;
  }

  /** Starts the first round; completes with the first authenticated connection. */
  CompletableFuture<ConnectionInfo> start() {
    loop.execute(
        () -> {
          if (state == ClientState.NEW) {
            round();
          }
        });
    return firstConnection;
  }

  // ---- the node walk ----

  private void round() {
    waiting = null;
    if (stopped()) {
      return;
    }
    state = ClientState.CONNECTING;
    List<String> hinted = hints;
    hints = List.of();
    CompletableFuture<List<String>> fromBalancer =
        balancer == null ? CompletableFuture.completedFuture(List.of()) : balancer.fetch();
    var unused =
        fromBalancer.whenComplete(
            (listed, error) ->
                loop.execute(
                    () -> attempt(candidates(hinted, listed == null ? List.of() : listed), 0)));
  }

  private List<String> candidates(List<String> hinted, List<String> listed) {
    Set<String> all = new LinkedHashSet<>(hinted);
    all.addAll(listed);
    all.addAll(config.nodes());
    return all.stream().limit(config.reconnect().attemptsPerRound()).toList();
  }

  private void attempt(List<String> nodes, int index) {
    if (stopped()) {
      return;
    }
    if (index >= nodes.size()) {
      failures++;
      Duration delay = config.reconnect().delay(failures, config.random().getAsDouble());
      log.info("No Comet answered ({} tried: {}); next round in {}", nodes.size(), nodes, delay);
      waitThenRound(delay);
      return;
    }
    String node = nodes.get(index);
    var unused =
        connect(node)
            .whenComplete(
                (connected, error) ->
                    loop.execute(
                        () -> {
                          if (error != null) {
                            log.info("Comet {} refused: {}", node, error.toString());
                            attempt(nodes, index + 1);
                          } else {
                            connected(node, connected.handler(), connected.reply());
                          }
                        }));
  }

  private void waitThenRound(Duration delay) {
    state = ClientState.WAITING;
    if (delay.isZero()) {
      loop.execute(this::round);
    } else {
      waiting = timers.schedule(this::round, delay);
    }
  }

  private record Attempt(ServerConnection handler, FrameBodies.Reply reply) {}

  /** One connection attempt: TCP connect, WebSocket handshake, AUTH, all within connectTimeout. */
  private CompletableFuture<Attempt> connect(String node) {
    CompletableFuture<Attempt> result = new CompletableFuture<>();
    HostPort address;
    try {
      address = HostPort.parse(node);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean webSocket = config.transport() == Transport.WEBSOCKET;
    ServerConnection handler =
        new ServerConnection(
            config.version(),
            authBody(),
            webSocket,
            adaptive,
            timers,
            config.requestTimeout(),
            this);
    URI uri = webSocket ? URI.create("ws://" + address + config.webSocketPath()) : null;
    ChannelFuture connecting =
        bootstrap
            .clone()
            .handler(
                new ClientChannelInitializer(
                    uri, config.limits(), config.connectTimeout().toMillis(), handler))
            .connect(address.host(), address.port());
    ClientScheduler.Cancellable deadline =
        timers.schedule(
            () -> {
              if (result.completeExceptionally(
                  new TimeoutException("not authenticated within " + config.connectTimeout()))) {
                var unused = connecting.channel().close();
              }
            },
            config.connectTimeout());
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
          }
        });
    var unused =
        handler
            .authenticated()
            .whenComplete(
                (reply, error) -> {
                  deadline.cancel();
                  if (error != null) {
                    result.completeExceptionally(error);
                  } else if (!result.complete(new Attempt(handler, reply))) {
                    handler.close("connection attempt abandoned");
                  }
                });
    return result;
  }

  private byte[] authBody() {
    String room = rooms.isEmpty() ? "" : rooms.iterator().next();
    return FrameBodies.json(config.mid(), key, room, config.platform(), accepts, config.token());
  }

  private void connected(String node, ServerConnection handler, FrameBodies.Reply reply) {
    if (stopped()) {
      handler.close("client closed");
      return;
    }
    current = handler;
    connectedAt = config.nanoTime().getAsLong();
    state = ClientState.CONNECTED;
    if (reply.key() != null && !reply.key().isEmpty()) {
      key = reply.key();
    }
    ConnectionInfo connection =
        new ConnectionInfo(
            node,
            config.transport(),
            config.version(),
            reply.mid() == null ? config.mid() : reply.mid(),
            key,
            reply.heartbeatMillis());
    info = connection;
    log.info(
        "Connected to {} over {} {} as key {} (heartbeat every {})",
        node,
        config.transport(),
        config.version(),
        key,
        adaptive.current());
    rejoin(handler);
    firstConnection.complete(connection);
    callback(() -> config.listener().onConnected(connection));
  }

  /** The rooms past the first (which AUTH named) and the unsubscribed ops, again. */
  private void rejoin(ServerConnection handler) {
    boolean first = true;
    for (String room : rooms) {
      if (!first) {
        logFailure(handler.request(Op.JOIN_ROOM, utf8(room), Op.JOIN_ROOM_REPLY), "rejoin " + room);
      }
      first = false;
    }
    if (!unsubscribed.isEmpty()) {
      logFailure(
          handler.request(Op.UNSUB, opList(unsubscribed), Op.UNSUB_REPLY), "unsubscribe again");
    }
  }

  // ---- what connections report ----

  @Override
  public void message(ServerConnection connection, Message message) {
    if (connection == current) {
      callback(() -> config.listener().onMessage(message));
    }
  }

  @Override
  public void heartbeat(ServerConnection connection, int onlineCount) {
    if (connection == current) {
      callback(() -> config.listener().onHeartbeat(onlineCount));
    }
  }

  @Override
  public void reconnect(ServerConnection connection, FrameBodies.Reconnect request) {
    if (connection != current) {
      return;
    }
    log.info(
        "{} asks us to reconnect ({}), hints {}", info.node(), request.reason(), request.nodes());
    hints = request.nodes();
    leaving = true;
    connection.close(request.reason());
  }

  @Override
  public void disconnectNotice(ServerConnection connection, String reason) {
    if (connection == current && KICKS.stream().anyMatch(reason::contains)) {
      kicked = true;
    }
  }

  @Override
  public void closed(ServerConnection connection) {
    if (connection != current) {
      return;
    }
    current = null;
    String node = info.node();
    info = null;
    String reason =
        connection.closeReason().isEmpty() ? "connection closed" : connection.closeReason();
    if (state == ClientState.CLOSED) {
      return;
    }
    if (kicked) {
      state = ClientState.DISCONNECTED;
      log.warn("Disconnected from {} for good: {}", node, reason);
      callback(() -> config.listener().onDisconnected(reason, false));
      return;
    }
    boolean stable =
        config.nanoTime().getAsLong() - connectedAt >= config.reconnect().stableAfter().toNanos()
            && !connection.heartbeatMissed();
    if (leaving || stable) {
      failures = 0;
    } else {
      failures++;
    }
    leaving = false;
    Duration delay = config.reconnect().delay(failures, config.random().getAsDouble());
    log.info("Lost {} ({}); reconnecting in {}", node, reason, delay);
    callback(() -> config.listener().onDisconnected(reason, true));
    waitThenRound(delay);
  }

  // ---- the application's requests, on the loop ----

  CompletableFuture<Message> request(int op, byte[] body, int replyOp) {
    if (current == null) {
      return CompletableFuture.failedFuture(
          new HeraldClientException.NotConnected("not connected (" + state + ")"));
    }
    return current.request(op, body, replyOp);
  }

  CompletableFuture<Void> post(int op, byte[] body) {
    if (current == null) {
      return CompletableFuture.failedFuture(
          new HeraldClientException.NotConnected("not connected (" + state + ")"));
    }
    return current.post(op, body);
  }

  CompletableFuture<Void> joinRoom(String room) {
    rooms.add(room);
    return current == null
        ? CompletableFuture.completedFuture(null)
        : current.request(Op.JOIN_ROOM, utf8(room), Op.JOIN_ROOM_REPLY).thenApply(m -> null);
  }

  CompletableFuture<Void> leaveRoom(String room) {
    rooms.remove(room);
    return current == null
        ? CompletableFuture.completedFuture(null)
        : current.request(Op.LEAVE_ROOM, utf8(room), Op.LEAVE_ROOM_REPLY).thenApply(m -> null);
  }

  CompletableFuture<Void> subscribe(List<Integer> ops) {
    unsubscribed.removeAll(ops);
    if (!accepts.isEmpty()) {
      accepts.addAll(ops);
    }
    return current == null
        ? CompletableFuture.completedFuture(null)
        : current.request(Op.SUB, opList(ops), Op.SUB_REPLY).thenApply(m -> null);
  }

  CompletableFuture<Void> unsubscribe(List<Integer> ops) {
    accepts.removeAll(ops);
    unsubscribed.addAll(ops);
    return current == null
        ? CompletableFuture.completedFuture(null)
        : current.request(Op.UNSUB, opList(ops), Op.UNSUB_REPLY).thenApply(m -> null);
  }

  Set<String> rooms() {
    return Set.copyOf(rooms);
  }

  /** Stops for good: no more rounds, the connection closed. Event loop only. */
  void close() {
    if (state == ClientState.CLOSED) {
      return;
    }
    state = ClientState.CLOSED;
    if (waiting != null) {
      waiting.cancel();
    }
    firstConnection.completeExceptionally(new HeraldClientException("client closed"));
    if (current != null) {
      current.close("client closed");
    }
  }

  private boolean stopped() {
    return state == ClientState.CLOSED || kicked;
  }

  private void callback(Runnable call) {
    config
        .callbackExecutor()
        .execute(
            () -> {
              try {
                call.run();
              } catch (RuntimeException e) {
                log.warn("Listener failed", e);
              }
            });
  }

  private static void logFailure(CompletableFuture<?> future, String what) {
    var unused =
        future.whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn("Could not {}: {}", what, error.toString());
              }
            });
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] opList(Iterable<Integer> ops) {
    List<String> parts = new ArrayList<>();
    ops.forEach(op -> parts.add(Integer.toString(op)));
    return utf8(parts.stream().collect(Collectors.joining(",")));
  }
}
