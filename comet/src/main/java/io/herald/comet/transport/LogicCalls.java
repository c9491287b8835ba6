package io.herald.comet.transport;

import com.google.protobuf.ByteString;
import io.herald.comet.logic.CometInstance;
import io.herald.comet.logic.LogicClient;
import io.herald.comet.session.Connection;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.wire.Frame;
import io.herald.wire.delivery.SyncBody;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client pipelines' calls to Logic, each naming this Comet (server id and epoch) and, past
 * AUTH, the connection (mid, key, connection id). A call that throws instead of failing its future
 * fails it. One per server.
 */
final class LogicCalls {
  private static final Logger log = LoggerFactory.getLogger(LogicCalls.class);

  private final LogicClient logic;
  private final String serverId;
  private final long epoch;

  LogicCalls(LogicClient logic, CometInstance self) {
    this.logic = logic;
    this.serverId = self.serverId();
    this.epoch = self.epoch();
  }

  /** {@code Connect}: {@code request} completed with this Comet's server id and epoch. */
  CompletableFuture<ConnectResponse> connect(ConnectRequest.Builder request) {
    ConnectRequest built = request.setServerId(serverId).setServerEpoch(epoch).build();
    return call(() -> logic.connect(built));
  }

  /**
   * {@code Disconnect} of connection {@code connId}'s session, forgotten once made: a failure is
   * logged at DEBUG (Logic's TTLs clean up).
   */
  void disconnect(long mid, String key, long connId) {
    DisconnectRequest request =
        DisconnectRequest.newBuilder()
            .setMid(mid)
            .setKey(key)
            .setServerId(serverId)
            .setServerEpoch(epoch)
            .setConnId(connId)
            .build();
    var unused =
        call(() -> logic.disconnect(request))
            .whenComplete(
                (ignored, error) -> {
                  if (error != null) {
                    log.debug("Logic disconnect failed: {}", error.toString());
                  }
                });
  }

  /** {@code Heartbeat}: renews {@code connection}'s session. */
  CompletableFuture<HeartbeatResponse> heartbeat(Connection connection) {
    HeartbeatRequest request =
        HeartbeatRequest.newBuilder()
            .setMid(connection.mid())
            .setKey(connection.key())
            .setServerId(serverId)
            .setServerEpoch(epoch)
            .setConnId(connection.id())
            .setPlatform(connection.platform())
            .build();
    return call(() -> logic.heartbeat(request));
  }

  /** {@code Receive}: an upstream {@code frame} from {@code connection} (its body is copied). */
  CompletableFuture<ReceiveResponse> receive(Connection connection, Frame frame) {
    return receive(receiveRequest(connection, frame));
  }

  /** The {@code Receive} request for an upstream {@code frame}, its body copied: it may wait. */
  ReceiveRequest receiveRequest(Connection connection, Frame frame) {
    return ReceiveRequest.newBuilder()
        .setMid(connection.mid())
        .setKey(connection.key())
        .setServerId(serverId)
        .setOp(frame.op())
        .setBody(ByteString.copyFrom(frame.body().nioBuffer()))
        .setSeq(frame.seq())
        .build();
  }

  CompletableFuture<ReceiveResponse> receive(ReceiveRequest request) {
    return call(() -> logic.receive(request));
  }

  /** {@code Sync}: {@code connection}'s inbox after what its op-19 SYNC names. */
  CompletableFuture<SyncResponse> sync(Connection connection, SyncBody body) {
    SyncRequest request =
        SyncRequest.newBuilder()
            .setMid(connection.mid())
            .setKey(connection.key())
            .setServerId(serverId)
            .setEpoch(body.epoch())
            .setAfterSeq(body.afterSeq())
            .setLimit(body.limit())
            .setFromCursor(body.fromCursor())
            .build();
    return call(() -> logic.sync(request));
  }

  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
