package io.herald.logic.comet;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herald.logic.Failures;
import io.herald.logic.api.GoimNodes;
import io.herald.logic.auth.AuthBody;
import io.herald.logic.auth.AuthException;
import io.herald.logic.auth.MeteredAuthenticator;
import io.herald.logic.im.ChatRequests;
import io.herald.logic.inbox.DeviceCursor;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxConfig;
import io.herald.logic.inbox.InboxRead;
import io.herald.logic.inbox.InboxUnavailableException;
import io.herald.logic.online.OnlineCounts;
import io.herald.logic.online.OnlineStore;
import io.herald.logic.online.ServerOnline;
import io.herald.logic.overload.Admission;
import io.herald.logic.overload.InFlightLimit;
import io.herald.logic.receive.UpstreamMessage;
import io.herald.logic.receive.UpstreamSink;
import io.herald.logic.room.RoomIndex;
import io.herald.logic.session.Session;
import io.herald.logic.session.SessionStore;
import io.herald.logic.session.SessionStore.Renewal;
import io.herald.logic.store.StoreBackend;
import io.herald.logic.store.StoreWatch;
import io.herald.ops.grpc.StatusMapping;
import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.AckResponse;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.DisconnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.HeldSession;
import io.herald.proto.logic.v1.JoinRoomsRequest;
import io.herald.proto.logic.v1.JoinRoomsResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.NodesRequest;
import io.herald.proto.logic.v1.NodesResponse;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.proto.logic.v1.RestoreSessionsRequest;
import io.herald.proto.logic.v1.RestoreSessionsResponse;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.wire.Op;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/**
 * The Logic service the Comets call: Connect (authenticate, apply the duplicate-login policy,
 * record the session and the room entry), Disconnect, Heartbeat and RestoreSessions (fenced by the
 * connection they name), JoinRooms, RenewOnline (online counts, room entries, the store's
 * incarnation), Receive, Nodes. Every call is asynchronous end to end. A refused AUTH is an
 * ordinary reply carrying a {@code Rejection}; a gRPC error means Logic could not decide (its
 * stores are down) and is mapped by {@link #STATUSES}. Ack moves devices' inbox cursors (batched by
 * the Comet) and Sync reads a user's inbox with the reset rules of {@link Inbox#read}. Receive
 * hands chat requests (ops 28, 30, 32, 34) to the IM layer ({@link ChatRequests}), whose every
 * outcome — a malformed body, a refusal, a database down — is a reply frame (op + 1) with a status,
 * never a gRPC error; other ops go to the upstream sink.
 *
 * <p><b>Overload.</b> Connects being decided are bounded ({@code overload.connectsInFlight}): one
 * over the bound is answered at once with a {@code Rejection} {@code REJECT_REASON_OVERLOADED} and
 * {@code retry_after_ms}, counted in {@code herald.logic.connects{result=overloaded}}, so a connect
 * storm never queues Redis commands past their timeout; the Comet tells the client and closes it,
 * and the client reconnects with its backoff. Heartbeats and Disconnects are never refused: each is
 * one Redis command that keeps a session right.
 */
public final class LogicGrpcService extends LogicGrpc.LogicImplBase {
  /**
   * This service's failures as statuses: a bad request is INVALID_ARGUMENT; a store or queue that
   * cannot be reached is UNAVAILABLE (the Comet may retry).
   */
  public static final StatusMapping STATUSES =
      StatusMapping.builder()
          .map(RedisException.class, Status.Code.UNAVAILABLE)
          .map(InboxUnavailableException.class, Status.Code.UNAVAILABLE)
          .map(KafkaException.class, Status.Code.UNAVAILABLE)
          .map(TimeoutException.class, Status.Code.UNAVAILABLE)
          .map(IOException.class, Status.Code.UNAVAILABLE)
          .build();

  /** Sessions one RestoreSessions may carry. */
  static final int MAX_RESTORED = 1000;

  /** Rooms one JoinRooms may carry. */
  static final int MAX_ROOMS = 1000;

  /** Cursors one Ack may carry. */
  static final int MAX_CURSORS = 1000;

  private final MeteredAuthenticator authenticator;
  private final SessionStore sessions;
  private final OnlineStore onlineStore;
  private final OnlineCounts online;
  private final UpstreamSink upstream;
  private final ChatRequests chat;
  private final RoomIndex rooms;
  private final Inbox inbox;
  private final InboxConfig inboxConfig;
  private final StoreWatch store;
  private final Connections connections;
  private final EpochTracker epochs;
  private final GoimNodes nodes;
  private final Clock clock;
  private final Counter restored;
  private final Admission connects;
  private final Counter overloaded;

  public LogicGrpcService(
      MeteredAuthenticator authenticator,
      StoreBackend stores,
      InboxConfig inboxConfig,
      StoreWatch store,
      OnlineCounts online,
      UpstreamSink upstream,
      ChatRequests chat,
      Connections connections,
      GoimNodes nodes,
      Clock clock,
      MeterRegistry meters,
      Admission connects) {
    this.connects = connects;
    this.overloaded = meters.counter("herald.logic.connects", "result", "overloaded");
    this.authenticator = authenticator;
    this.sessions = stores.sessions();
    this.onlineStore = stores.online();
    this.rooms = stores.rooms();
    this.inbox = stores.inbox();
    this.inboxConfig = inboxConfig;
    this.store = store;
    this.online = online;
    this.upstream = upstream;
    this.chat = chat;
    this.connections = connections;
    this.epochs = new EpochTracker(sessions);
    this.nodes = nodes;
    this.clock = clock;
    this.restored =
        Counter.builder("herald.logic.sessions.restored")
            .description("Sessions a Comet re-announced that the store had lost, recreated")
            .register(meters);
  }

  @Override
  public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
    require(request.getServerId(), "server_id");
    require(request.getConnId(), "conn_id");
    epochs.observe(request.getServerId(), request.getServerEpoch());
    InFlightLimit.Permit permit = connects.tryAdmit(0);
    if (permit == null) {
      overloaded.increment();
      response.onNext(Connections.overloaded(connects.retryAfterMillis()));
      response.onCompleted();
      return;
    }
    CompletableFuture<ConnectResponse> reply;
    try {
      AuthBody auth = authenticator.parse(request.getToken().toByteArray(), request.getClientIp());
      reply =
          authenticator
              .authenticate(auth)
              .thenCompose(identity -> connections.open(request, auth, identity));
    } catch (AuthException e) {
      reply = CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      permit.release(); // a bug of the authenticator: the slot is not lost with it
      throw e;
    }
    reply.whenComplete((done, error) -> permit.release());
    reply(
        reply.exceptionally(
            error -> {
              if (Failures.cause(error) instanceof AuthException refused) {
                return Connections.rejection(refused);
              }
              throw Failures.unchecked(error);
            }),
        response);
  }

  @Override
  public void disconnect(DisconnectRequest request, StreamObserver<DisconnectResponse> response) {
    Session session =
        named(
            "",
            request.getServerId(),
            request.getServerEpoch(),
            request.getMid(),
            request.getKey(),
            request.getConnId(),
            "");
    reply(
        sessions
            .remove(session)
            .thenApply(removed -> DisconnectResponse.newBuilder().setRemoved(removed).build()),
        response);
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    Session session =
        named(
            "",
            request.getServerId(),
            request.getServerEpoch(),
            request.getMid(),
            request.getKey(),
            request.getConnId(),
            request.getPlatform());
    epochs.observe(request.getServerId(), request.getServerEpoch());
    reply(
        sessions
            .renew(session)
            .thenApply(
                renewal ->
                    HeartbeatResponse.newBuilder()
                        .setRecreated(renewal == Renewal.RECREATED)
                        .setSuperseded(renewal == Renewal.SUPERSEDED)
                        .build()),
        response);
  }

  @Override
  public void restoreSessions(
      RestoreSessionsRequest request, StreamObserver<RestoreSessionsResponse> response) {
    require(request.getServerId(), "server_id");
    if (request.getSessionsCount() > MAX_RESTORED) {
      throw new IllegalArgumentException(
          "sessions: " + request.getSessionsCount() + " (expected: at most " + MAX_RESTORED + ")");
    }
    epochs.observe(request.getServerId(), request.getServerEpoch());
    List<CompletableFuture<Renewal>> renewals = new ArrayList<>(request.getSessionsCount());
    for (HeldSession held : request.getSessionsList()) {
      renewals.add(
          sessions.renew(
              named(
                  "sessions.",
                  request.getServerId(),
                  request.getServerEpoch(),
                  held.getMid(),
                  held.getKey(),
                  held.getConnId(),
                  held.getPlatform())));
    }
    reply(
        CompletableFuture.allOf(renewals.toArray(CompletableFuture<?>[]::new))
            .thenApply(
                v -> {
                  RestoreSessionsResponse.Builder reply = RestoreSessionsResponse.newBuilder();
                  for (CompletableFuture<Renewal> renewal : renewals) {
                    switch (renewal.join()) {
                      case RECREATED -> reply.setRecreated(reply.getRecreated() + 1);
                      case SUPERSEDED -> reply.setSuperseded(reply.getSuperseded() + 1);
                      case RENEWED -> {}
                    }
                  }
                  restored.increment(reply.getRecreated());
                  return reply.build();
                }),
        response);
  }

  @Override
  public void renewOnline(
      RenewOnlineRequest request, StreamObserver<RenewOnlineResponse> response) {
    require(request.getServerId(), "server_id");
    epochs.observe(request.getServerId(), request.getServerEpoch());
    ServerOnline report =
        new ServerOnline(
            request.getServerId(),
            request.getServerEpoch(),
            request.getRoomCountsMap(),
            request.getConnections(),
            request.getClientIps(),
            clock.millis());
    reply(
        onlineStore
            .report(report)
            .thenCombine(
                rooms.hold(request.getServerId(), request.getRoomCountsMap().keySet()),
                (reported, held) -> reported)
            .thenApply(
                ignored -> {
                  online.apply(report);
                  RenewOnlineResponse.Builder reply =
                      RenewOnlineResponse.newBuilder().setStoreIncarnation(store.incarnation());
                  for (String room : request.getRoomCountsMap().keySet()) {
                    reply.putRoomCounts(
                        room, (int) Math.min(Integer.MAX_VALUE, online.roomCount(room)));
                  }
                  return reply.build();
                }),
        response);
  }

  @Override
  public void joinRooms(JoinRoomsRequest request, StreamObserver<JoinRoomsResponse> response) {
    require(request.getServerId(), "server_id");
    if (request.getRoomsCount() == 0 || request.getRoomsCount() > MAX_ROOMS) {
      throw new IllegalArgumentException(
          "rooms: " + request.getRoomsCount() + " (expected: 1 to " + MAX_ROOMS + ")");
    }
    reply(
        rooms
            .hold(request.getServerId(), request.getRoomsList())
            .thenApply(held -> JoinRoomsResponse.getDefaultInstance()),
        response);
  }

  @Override
  public void receive(ReceiveRequest request, StreamObserver<ReceiveResponse> response) {
    require(request.getServerId(), "server_id");
    if (Op.isChatRequest(request.getOp())) {
      reply(
          chat.handle(request.getMid(), request.getOp(), request.getBody())
              .thenApply(
                  answer ->
                      ReceiveResponse.newBuilder()
                          .setReplyOp(answer.op())
                          .setReplyBody(answer.body())
                          .setMessageId(answer.messageId())
                          .build()),
          response);
      return;
    }
    UpstreamMessage message =
        new UpstreamMessage(
            request.getMid(),
            request.getKey(),
            request.getServerId(),
            request.getOp(),
            request.getBody(),
            request.getSeq(),
            clock.millis());
    reply(
        upstream
            .accept(message)
            .thenApply(
                ignored ->
                    ReceiveResponse.newBuilder()
                        .setReplyOp(request.getOp() == Op.SEND_MSG ? Op.SEND_MSG_REPLY : 0)
                        .build()),
        response);
  }

  /**
   * Moves the devices' cursors forward; at most {@value #MAX_CURSORS}, each naming a device key.
   * Cursors of another epoch, behind the held one or beyond the newest seq are ignored.
   */
  @Override
  public void ack(AckRequest request, StreamObserver<AckResponse> response) {
    require(request.getServerId(), "server_id");
    if (request.getCursorsCount() > MAX_CURSORS) {
      throw new IllegalArgumentException(
          "cursors: " + request.getCursorsCount() + " (expected: at most " + MAX_CURSORS + ")");
    }
    List<DeviceCursor> cursors = new ArrayList<>(request.getCursorsCount());
    for (int i = 0; i < request.getCursorsCount(); i++) {
      io.herald.proto.logic.v1.DeviceCursor cursor = request.getCursors(i);
      require(cursor.getKey(), "cursors[" + i + "].key");
      cursors.add(
          new DeviceCursor(cursor.getMid(), cursor.getKey(), cursor.getEpoch(), cursor.getSeq()));
    }
    reply(
        inbox
            .moveCursors(cursors)
            .thenApply(moved -> AckResponse.newBuilder().setMoved(moved).build()),
        response);
  }

  /**
   * Reads the user's inbox after (epoch, after_seq), or after the device's cursor with {@code
   * from_cursor}; limit 0 is {@code inbox.syncLimit}, and no read returns more than {@value
   * InboxConfig#MAX_SYNC_LIMIT} messages or, beyond its first message, more than {@code
   * inbox.syncMaxBytes} of them. A user without an inbox, and an anonymous connection (mid 0), read
   * as epoch 0 with nothing ({@link Inbox#read}).
   */
  @Override
  public void sync(SyncRequest request, StreamObserver<SyncResponse> response) {
    require(request.getServerId(), "server_id");
    require(request.getKey(), "key");
    if (request.getAfterSeq() < 0) {
      throw new IllegalArgumentException(
          "after_seq: " + request.getAfterSeq() + " (expected: >= 0)");
    }
    if (request.getEpoch() < 0) {
      throw new IllegalArgumentException("epoch: " + request.getEpoch() + " (expected: >= 0)");
    }
    int limit = inboxConfig.syncLimit(request.getLimit());
    CompletableFuture<InboxRead> read =
        request.getFromCursor()
            ? inbox.readFromCursor(request.getMid(), request.getKey(), limit)
            : inbox.read(request.getMid(), request.getEpoch(), request.getAfterSeq(), limit);
    reply(
        read.thenApply(
            answer ->
                SyncResponse.newBuilder()
                    .addAllMessages(answer.messages())
                    .setLatestSeq(answer.latestSeq())
                    .setOldestSeq(answer.oldestSeq())
                    .setEpoch(answer.epoch())
                    .setReset(answer.reset())
                    .setMore(answer.more())
                    .build()),
        response);
  }

  @Override
  public void nodes(NodesRequest request, StreamObserver<NodesResponse> response) {
    answer(response, nodes.nodes(request.getPlatform(), request.getClientIp()), null);
  }

  /**
   * The session of the connection a call names, once its server id, key and connection id are
   * there; {@code field} prefixes the names of the last two in the error ({@code sessions.}).
   */
  private static Session named(
      String field,
      String serverId,
      long serverEpoch,
      long mid,
      String key,
      long connId,
      String platform) {
    require(serverId, "server_id");
    require(key, field + "key");
    require(connId, field + "conn_id");
    return new Session(mid, key, serverId, serverEpoch, connId, platform);
  }

  private static void require(String value, String name) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + ": empty (expected: a value)");
    }
  }

  private static void require(long id, String name) {
    if (id == 0) {
      throw new IllegalArgumentException(name + ": 0 (expected: a connection id, not 0)");
    }
  }

  /** Completes {@code response} with what {@code future} yields. */
  @SuppressWarnings("FutureReturnValueIgnored") // the observer is completed; nothing waits on it
  private static <T> void reply(CompletableFuture<T> future, StreamObserver<T> response) {
    future.whenComplete((value, error) -> answer(response, value, error));
  }

  private static <T> void answer(StreamObserver<T> response, T value, Throwable error) {
    if (error != null) {
      response.onError(Failures.unchecked(error));
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }
}
