package io.herald.logic.comet;

import io.grpc.stub.StreamObserver;
import io.herald.logic.auth.AuthException;
import io.herald.logic.auth.AuthRequest;
import io.herald.logic.auth.MeteredAuthenticator;
import io.herald.logic.online.OnlineCounts;
import io.herald.logic.online.OnlineStore;
import io.herald.logic.online.ServerOnline;
import io.herald.logic.receive.UpstreamMessage;
import io.herald.logic.receive.UpstreamSink;
import io.herald.logic.session.Session;
import io.herald.logic.session.SessionStore;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.DisconnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.NodesRequest;
import io.herald.proto.logic.v1.NodesResponse;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.wire.Op;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The Logic service the Comets call: Connect (authenticate, apply the duplicate-login policy,
 * record the session), Disconnect, Heartbeat, RenewOnline, Receive, Nodes. Every call is
 * asynchronous end to end. A refused AUTH is an ordinary reply carrying a {@code Rejection}; a gRPC
 * error means Logic could not decide (its stores are down) and is mapped in {@link
 * LogicGrpcErrors}. Ack and Sync arrive with the delivery work and answer UNIMPLEMENTED until then.
 */
public final class LogicGrpcService extends LogicGrpc.LogicImplBase {
  private final MeteredAuthenticator authenticator;
  private final SessionStore sessions;
  private final OnlineStore onlineStore;
  private final OnlineCounts online;
  private final UpstreamSink upstream;
  private final Connections connections;
  private final EpochTracker epochs;
  private final GoimNodes nodes;
  private final Clock clock;

  public LogicGrpcService(
      MeteredAuthenticator authenticator,
      SessionStore sessions,
      OnlineStore onlineStore,
      OnlineCounts online,
      UpstreamSink upstream,
      Connections connections,
      GoimNodes nodes,
      Clock clock) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.onlineStore = onlineStore;
    this.online = online;
    this.upstream = upstream;
    this.connections = connections;
    this.epochs = new EpochTracker(sessions);
    this.nodes = nodes;
    this.clock = clock;
  }

  @Override
  public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
    require(request.getServerId(), "server_id");
    epochs.observe(request.getServerId(), request.getServerEpoch());
    CompletableFuture<ConnectResponse> reply;
    try {
      AuthRequest auth =
          authenticator.parse(request.getToken().toByteArray(), request.getClientIp());
      reply =
          authenticator
              .authenticate(auth)
              .thenCompose(identity -> connections.open(request, auth, identity));
    } catch (AuthException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply(
        reply.exceptionally(
            error -> {
              if (Connections.cause(error) instanceof AuthException refused) {
                return Connections.rejection(refused);
              }
              throw Connections.unwrap(error);
            }),
        response);
  }

  @Override
  public void disconnect(DisconnectRequest request, StreamObserver<DisconnectResponse> response) {
    require(request.getServerId(), "server_id");
    require(request.getKey(), "key");
    reply(
        sessions
            .remove(request.getMid(), request.getKey(), request.getServerId())
            .thenApply(removed -> DisconnectResponse.newBuilder().setRemoved(removed).build()),
        response);
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    require(request.getServerId(), "server_id");
    require(request.getKey(), "key");
    epochs.observe(request.getServerId(), request.getServerEpoch());
    Session session =
        new Session(
            request.getMid(),
            request.getKey(),
            request.getServerId(),
            request.getServerEpoch(),
            request.getPlatform());
    reply(
        sessions
            .renew(session)
            .thenApply(existed -> HeartbeatResponse.newBuilder().setRecreated(!existed).build()),
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
            .thenApply(
                ignored -> {
                  online.apply(report);
                  RenewOnlineResponse.Builder reply = RenewOnlineResponse.newBuilder();
                  for (String room : request.getRoomCountsMap().keySet()) {
                    reply.putRoomCounts(
                        room, (int) Math.min(Integer.MAX_VALUE, online.roomCount(room)));
                  }
                  return reply.build();
                }),
        response);
  }

  @Override
  public void receive(ReceiveRequest request, StreamObserver<ReceiveResponse> response) {
    require(request.getServerId(), "server_id");
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

  @Override
  public void nodes(NodesRequest request, StreamObserver<NodesResponse> response) {
    answer(response, nodes.nodes(request.getPlatform(), request.getClientIp()), null);
  }

  private static void require(String value, String name) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + ": empty (expected: a value)");
    }
  }

  /** Completes {@code response} with what {@code future} yields. */
  @SuppressWarnings("FutureReturnValueIgnored") // the observer is completed; nothing waits on it
  private static <T> void reply(CompletableFuture<T> future, StreamObserver<T> response) {
    future.whenComplete((value, error) -> answer(response, value, error));
  }

  private static <T> void answer(StreamObserver<T> response, T value, Throwable error) {
    if (error != null) {
      response.onError(Connections.unwrap(error));
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }
}
