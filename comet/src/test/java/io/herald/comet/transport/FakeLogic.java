package io.herald.comet.transport;

import io.herald.comet.logic.LogicClient;
import io.herald.proto.common.v1.HeartbeatPolicy;
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
import java.util.function.Function;

/** A {@link LogicClient} that records every call and answers as the test says. */
final class FakeLogic implements LogicClient {
  final List<ConnectRequest> connects = new CopyOnWriteArrayList<>();
  final List<DisconnectRequest> disconnects = new CopyOnWriteArrayList<>();
  final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  final List<ReceiveRequest> receives = new CopyOnWriteArrayList<>();
  final List<JoinRoomsRequest> joins = new CopyOnWriteArrayList<>();

  private final AtomicInteger keys = new AtomicInteger();

  /** By default every connection is accepted as user 7 with a new key: key-1, key-2, ... */
  volatile Function<ConnectRequest, CompletableFuture<ConnectResponse>> onConnect =
      request -> CompletableFuture.completedFuture(accepted(7, "key-" + keys.incrementAndGet()));

  /** By default every room is indexed at once. */
  volatile Function<JoinRoomsRequest, CompletableFuture<JoinRoomsResponse>> onJoin =
      request -> CompletableFuture.completedFuture(JoinRoomsResponse.getDefaultInstance());

  volatile Function<ReceiveRequest, CompletableFuture<ReceiveResponse>> onReceive =
      request ->
          CompletableFuture.completedFuture(
              ReceiveResponse.newBuilder().setReplyOp(request.getOp() == 4 ? 5 : 0).build());

  /** Logic's acceptance of user {@code mid} as device {@code key}, in {@code rooms}. */
  static ConnectResponse accepted(long mid, String key, String... rooms) {
    return ConnectResponse.newBuilder()
        .setMid(mid)
        .setKey(key)
        .setPlatform("web")
        .addAllRooms(List.of(rooms))
        .setHeartbeat(HeartbeatPolicy.newBuilder().setIntervalMs(60_000).setMaxMissed(2))
        .build();
  }

  @Override
  public CompletableFuture<ConnectResponse> connect(ConnectRequest request) {
    connects.add(request);
    return onConnect.apply(request);
  }

  @Override
  public CompletableFuture<DisconnectResponse> disconnect(DisconnectRequest request) {
    disconnects.add(request);
    return CompletableFuture.completedFuture(DisconnectResponse.getDefaultInstance());
  }

  /** By default every renewal finds its session. */
  volatile Function<HeartbeatRequest, CompletableFuture<HeartbeatResponse>> onHeartbeat =
      request -> CompletableFuture.completedFuture(HeartbeatResponse.getDefaultInstance());

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    heartbeats.add(request);
    return onHeartbeat.apply(request);
  }

  @Override
  public CompletableFuture<RenewOnlineResponse> renewOnline(RenewOnlineRequest request) {
    return CompletableFuture.completedFuture(RenewOnlineResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<ReceiveResponse> receive(ReceiveRequest request) {
    receives.add(request);
    return onReceive.apply(request);
  }

  @Override
  public CompletableFuture<RestoreSessionsResponse> restoreSessions(
      RestoreSessionsRequest request) {
    return CompletableFuture.completedFuture(RestoreSessionsResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<JoinRoomsResponse> joinRooms(JoinRoomsRequest request) {
    joins.add(request);
    return onJoin.apply(request);
  }

  final List<AckRequest> acks = new CopyOnWriteArrayList<>();
  final List<SyncRequest> syncs = new CopyOnWriteArrayList<>();

  /** By default an empty inbox of epoch 1. */
  volatile Function<SyncRequest, CompletableFuture<SyncResponse>> onSync =
      request -> CompletableFuture.completedFuture(SyncResponse.newBuilder().setEpoch(1).build());

  @Override
  public CompletableFuture<AckResponse> ack(AckRequest request) {
    acks.add(request);
    return CompletableFuture.completedFuture(AckResponse.getDefaultInstance());
  }

  @Override
  public CompletableFuture<SyncResponse> sync(SyncRequest request) {
    syncs.add(request);
    return onSync.apply(request);
  }

  @Override
  public void close() {}
}
