package io.herald.comet.server;

import io.herald.comet.logic.LogicClient;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logic in the Comet's process, for lifecycle tests that need no Redis: every AUTH is accepted with
 * a fresh key in room {@code live://1}; each room is reported back with {@value #ONLINE} members
 * cluster-wide.
 */
final class StandInLogic implements LogicClient {
  static final int ONLINE = 42;
  static final String ROOM = "live://1";

  final List<String> disconnected = new CopyOnWriteArrayList<>();
  final List<String> clientIps = new CopyOnWriteArrayList<>();
  final List<RenewOnlineRequest> reports = new CopyOnWriteArrayList<>();
  private final AtomicInteger keys = new AtomicInteger();
  volatile boolean closed;

  @Override
  public CompletableFuture<ConnectResponse> connect(ConnectRequest request) {
    clientIps.add(request.getClientIp());
    return CompletableFuture.completedFuture(
        ConnectResponse.newBuilder()
            .setMid(100)
            .setKey("key-" + keys.incrementAndGet())
            .addRooms(ROOM)
            .setPlatform("web")
            .build());
  }

  @Override
  public CompletableFuture<DisconnectResponse> disconnect(DisconnectRequest request) {
    disconnected.add(request.getKey());
    return CompletableFuture.completedFuture(
        DisconnectResponse.newBuilder().setRemoved(true).build());
  }

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    return CompletableFuture.completedFuture(HeartbeatResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<RenewOnlineResponse> renewOnline(RenewOnlineRequest request) {
    reports.add(request);
    RenewOnlineResponse.Builder reply = RenewOnlineResponse.newBuilder();
    request.getRoomCountsMap().keySet().forEach(room -> reply.putRoomCounts(room, ONLINE));
    return CompletableFuture.completedFuture(reply.build());
  }

  @Override
  public CompletableFuture<ReceiveResponse> receive(ReceiveRequest request) {
    return CompletableFuture.completedFuture(ReceiveResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<RestoreSessionsResponse> restoreSessions(
      RestoreSessionsRequest request) {
    return CompletableFuture.completedFuture(RestoreSessionsResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<JoinRoomsResponse> joinRooms(JoinRoomsRequest request) {
    return CompletableFuture.completedFuture(JoinRoomsResponse.getDefaultInstance());
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
  public void close() {
    closed = true;
  }
}
