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
import java.util.concurrent.CompletableFuture;

/**
 * The Comet's calls to Logic. Every call is asynchronous and bounded by a deadline; a handler
 * continues on its event loop with {@code whenCompleteAsync(..., ctx.executor())}, so no event loop
 * ever waits on Logic. A refused AUTH is a normal {@link ConnectResponse} with a rejection; an
 * exceptional completion means Logic could not be reached or could not decide.
 */
public interface LogicClient extends AutoCloseable {
  CompletableFuture<ConnectResponse> connect(ConnectRequest request);

  CompletableFuture<DisconnectResponse> disconnect(DisconnectRequest request);

  CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request);

  CompletableFuture<RenewOnlineResponse> renewOnline(RenewOnlineRequest request);

  CompletableFuture<ReceiveResponse> receive(ReceiveRequest request);

  CompletableFuture<RestoreSessionsResponse> restoreSessions(RestoreSessionsRequest request);

  CompletableFuture<JoinRoomsResponse> joinRooms(JoinRoomsRequest request);

  /** Moves devices' inbox cursors (batched by {@link CursorBatcher}). */
  CompletableFuture<AckResponse> ack(AckRequest request);

  /** Reads a device's inbox for its op-19 SYNC. */
  CompletableFuture<SyncResponse> sync(SyncRequest request);

  @Override
  void close();
}
