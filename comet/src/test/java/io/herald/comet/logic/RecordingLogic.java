package io.herald.comet.logic;

import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.AckResponse;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.DisconnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.JoinRoomsRequest;
import io.herald.proto.logic.v1.JoinRoomsResponse;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.proto.logic.v1.RestoreSessionsRequest;
import io.herald.proto.logic.v1.RestoreSessionsResponse;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A Logic that records online reports and answers each with the next reply queued, and records
 * session restores.
 */
class RecordingLogic implements LogicClient {
  final List<RenewOnlineRequest> reports = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<RenewOnlineResponse>> replies = new CopyOnWriteArrayList<>();

  /** The reply to the {@code n}th report (from 0), to complete as the test likes. */
  CompletableFuture<RenewOnlineResponse> reply(int n) {
    while (replies.size() <= n) {
      replies.add(new CompletableFuture<>());
    }
    return replies.get(n);
  }

  @Override
  public CompletableFuture<RenewOnlineResponse> renewOnline(RenewOnlineRequest request) {
    int n = reports.size();
    reports.add(request);
    return reply(n);
  }

  @Override
  public CompletableFuture<ConnectResponse> connect(ConnectRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<DisconnectResponse> disconnect(DisconnectRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<ReceiveResponse> receive(ReceiveRequest request) {
    throw new UnsupportedOperationException();
  }

  final List<RestoreSessionsRequest> restores = new CopyOnWriteArrayList<>();

  /** How restoreSessions answers; by default at once. */
  volatile Function<RestoreSessionsRequest, CompletableFuture<RestoreSessionsResponse>> onRestore =
      request -> CompletableFuture.completedFuture(RestoreSessionsResponse.getDefaultInstance());

  @Override
  public CompletableFuture<RestoreSessionsResponse> restoreSessions(
      RestoreSessionsRequest request) {
    restores.add(request);
    return onRestore.apply(request);
  }

  @Override
  public CompletableFuture<JoinRoomsResponse> joinRooms(JoinRoomsRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<AckResponse> ack(AckRequest request) {
    return CompletableFuture.completedFuture(AckResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<SyncResponse> sync(SyncRequest request) {
    return CompletableFuture.completedFuture(SyncResponse.getDefaultInstance());
  }

  @Override
  public void close() {}
}
