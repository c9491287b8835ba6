package io.herald.client;

import io.herald.wire.Op;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's state machine, confined to its event loop: walks the node list in rounds ({@link
 * CandidateNodes}, one {@link Connector} attempt per node, backoff between failed rounds), keeps
 * one authenticated connection, re-authenticates and replays the application's {@link
 * Subscriptions} after a reconnect, hands tracked deliveries to {@link Delivery} (which SYNCs after
 * each connect), and honours RECONNECT (op 21: the hinted nodes first, at once) and DISCONNECT (op
 * 6).
 */
final class ConnectionKeeper implements ServerConnection.Events {
  private static final Logger log = LoggerFactory.getLogger(ConnectionKeeper.class);

  /** Reasons in op 6 that mean another connection took this one's place: do not fight back. */
  private static final List<String> KICKS = List.of("replaced", "duplicate", "kick");

  private final ClientConfig config;
  private final EventLoop loop;
  private final ClientScheduler timers;
  private final AdaptiveHeartbeat adaptive;
  private final CandidateNodes candidates;
  private final Connector connector;
  private final Subscriptions subscriptions;
  private final ListenerCalls listener;
  private final Delivery delivery;
  private final ChatRequests chatRequests;
  private final ChatSession chat; // null: chat messages go to the application's listener
  private final CompletableFuture<ConnectionInfo> firstConnection = new CompletableFuture<>();
  private String key;
  private volatile ClientState state = ClientState.NEW;
  private volatile ConnectionInfo info;
  private ServerConnection current;
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
    this.candidates = CandidateNodes.of(config, loop);
    this.connector = new Connector(config, loop, bootstrap, adaptive, timers);
    this.subscriptions = new Subscriptions(config.rooms(), config.accepts());
    this.listener = new ListenerCalls(config.listener(), config.callbackExecutor());
    this.chatRequests =
        new ChatRequests(this::request, config.chatRetry(), timers, config.random());
    this.chat =
        config.chatListener() == null
            ? null
            : new ChatSession(
                chatRequests,
                new ChatSession.Rooms() {
                  @Override
                  public CompletableFuture<Void> join(String room) {
                    return joinRoom(room);
                  }

                  @Override
                  public CompletableFuture<Void> leave(String room) {
                    return leaveRoom(room);
                  }
                },
                config.chatListener(),
                config.callbackExecutor());
    this.delivery =
        new Delivery(
            config.sync(),
            config.inboxStore(),
            chat == null ? listener : new ChatHandOver(),
            timers,
            config.reconnect(),
            config.random(),
            config.limits());
    this.key = config.key();
  }

  ClientState state() {
    return state;
  }

  ConnectionInfo info() {
    return info;
  }

  /** The inbox position held (read from any thread). */
  Optional<InboxPosition> inboxPosition() {
    return delivery.position();
  }

  /** The current heartbeat interval (read from any thread; approximate). */
  Duration heartbeatInterval() {
    return adaptive.current();
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
    var unused =
        candidates.next().whenComplete((nodes, error) -> loop.execute(() -> attempt(nodes, 0)));
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
        connector
            .connect(node, authBody(), this)
            .whenComplete(
                (connected, error) ->
                    loop.execute(
                        () -> {
                          if (error != null) {
                            log.info("Comet {} refused: {}", node, error.toString());
                            attempt(nodes, index + 1);
                          } else {
                            connected(node, connected.connection(), connected.reply());
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

  private byte[] authBody() {
    return FrameBodies.json(
        config.mid(),
        key,
        subscriptions.authRoom(),
        config.platform(),
        subscriptions.accepts(),
        config.token());
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
    for (Subscriptions.Request request : subscriptions.replay()) {
      var unused =
          send(handler, request)
              .whenComplete(
                  (ok, error) -> {
                    if (error != null) {
                      log.warn("Could not send {} again: {}", request, error.toString());
                    }
                  });
    }
    firstConnection.complete(connection);
    listener.connected(connection);
    delivery.connected(handler, connection.mid());
    if (chat != null) {
      chat.connected(connection.mid());
    }
  }

  /** The chat requests (retried), for {@link Chat}. */
  ChatRequests chatRequests() {
    return chatRequests;
  }

  /** The chat layer's receiving side; a session that receives nothing when chat is off. */
  ChatSession chatSession() {
    return chat;
  }

  private static boolean isChat(int op) {
    return op == Op.CHAT_MESSAGE || op == Op.CHAT_RECEIPT || op == Op.CHAT_NOTICE;
  }

  /** Chat ops to the chat layer, the rest to the application's listener. */
  private final class ChatHandOver implements Delivery.HandOver {
    @Override
    public void message(Message message) {
      if (isChat(message.op())) {
        chat.received(message);
      } else {
        listener.message(message);
      }
    }

    @Override
    public void inboxReset(InboxReset reset) {
      listener.inboxReset(reset);
      chat.inboxReset();
    }
  }

  // ---- what connections report ----

  @Override
  public void message(ServerConnection connection, Message message) {
    if (connection != current) {
      return;
    }
    if (chat != null && isChat(message.op())) {
      chat.received(message);
    } else {
      listener.message(message);
    }
  }

  @Override
  public void envelope(ServerConnection connection, MessageEnvelope head, Message message) {
    if (connection == current) {
      delivery.pushed(head, message);
    }
  }

  @Override
  public void inboxNotice(ServerConnection connection, InboxNotice notice) {
    if (connection == current) {
      delivery.notice(notice);
    }
  }

  @Override
  public void heartbeat(ServerConnection connection, int onlineCount) {
    if (connection == current) {
      listener.heartbeat(onlineCount);
    }
  }

  @Override
  public void reconnect(ServerConnection connection, FrameBodies.Reconnect request) {
    if (connection != current) {
      return;
    }
    log.info(
        "{} asks us to reconnect ({}), hints {}", info.node(), request.reason(), request.nodes());
    candidates.hint(request.nodes());
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
    delivery.closed(connection);
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
      listener.disconnected(reason, false);
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
    listener.disconnected(reason, true);
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
    return tell(subscriptions.join(room));
  }

  CompletableFuture<Void> leaveRoom(String room) {
    return tell(subscriptions.leave(room));
  }

  CompletableFuture<Void> subscribe(List<Integer> ops) {
    return tell(subscriptions.subscribe(ops));
  }

  CompletableFuture<Void> unsubscribe(List<Integer> ops) {
    return tell(subscriptions.unsubscribe(ops));
  }

  Set<String> rooms() {
    return subscriptions.rooms();
  }

  /** Tells the connection, if there is one, of a change; the next connection is told anyway. */
  private CompletableFuture<Void> tell(Subscriptions.Request request) {
    return current == null
        ? CompletableFuture.completedFuture(null)
        : send(current, request).thenApply(m -> null);
  }

  private static CompletableFuture<Message> send(
      ServerConnection connection, Subscriptions.Request request) {
    return connection.request(request.op(), request.bytes(), request.replyOp());
  }

  /** Stops for good: no more rounds, the connection closed. Event loop only. */
  void close() {
    if (state == ClientState.CLOSED) {
      return;
    }
    state = ClientState.CLOSED;
    chatRequests.close();
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
}
