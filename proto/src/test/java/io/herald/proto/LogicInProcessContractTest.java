package io.herald.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herald.proto.common.v1.HeartbeatPolicy;
import io.herald.proto.common.v1.Transport;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.RejectReason;
import io.herald.proto.logic.v1.Rejection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Comet calling Logic.Connect through generated stubs, over an in-process channel. */
class LogicInProcessContractTest {

  /** Accepts AUTH bodies that carry a token, the way a real authenticator would decide. */
  private static final class TokenLogic extends LogicGrpc.LogicImplBase {
    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> responses) {
      String auth = request.getToken().toString(StandardCharsets.UTF_8);
      ConnectResponse.Builder reply = ConnectResponse.newBuilder();
      if (!auth.contains("\"token\"")) {
        reply.setRejection(
            Rejection.newBuilder()
                .setReason(RejectReason.REJECT_REASON_UNAUTHENTICATED)
                .setMessage("token required"));
      } else {
        reply
            .setMid(123)
            .setKey(request.getServerId() + "/" + request.getServerEpoch())
            .addRooms("live://1000")
            .addRooms("chat://7")
            .addAccepts(1000)
            .setPlatform("web")
            .setHeartbeat(
                HeartbeatPolicy.newBuilder()
                    .setIntervalMs(240_000)
                    .setMinIntervalMs(60_000)
                    .setMaxIntervalMs(300_000)
                    .setStepMs(30_000)
                    .setMaxMissed(2));
      }
      responses.onNext(reply.build());
      responses.onCompleted();
    }
  }

  private Server server;
  private ManagedChannel channel;
  private LogicGrpc.LogicBlockingStub logic;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new TokenLogic())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    logic = LogicGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static ConnectRequest connect(String authJson) {
    return ConnectRequest.newBuilder()
        .setServerId("comet-1")
        .setServerEpoch(1_764_000_000_000L)
        .setConnId(17)
        .setToken(ByteString.copyFrom(authJson, StandardCharsets.UTF_8))
        .setClientIp("203.0.113.9")
        .setTransport(Transport.TRANSPORT_WEBSOCKET)
        .setProtocolVersion(2)
        .build();
  }

  @Test
  void acceptedConnectionCarriesItsSession() {
    ConnectResponse reply =
        logic.connect(connect("{\"mid\":123,\"room_id\":\"live://1000\",\"token\":\"t\"}"));

    assertThat(reply.hasRejection()).isFalse();
    assertThat(reply.getMid()).isEqualTo(123);
    assertThat(reply.getKey()).isEqualTo("comet-1/1764000000000");
    assertThat(reply.getRoomsList()).containsExactly("live://1000", "chat://7");
    assertThat(reply.getAcceptsList()).containsExactly(1000);
    assertThat(reply.getHeartbeat().getIntervalMs()).isEqualTo(240_000);
    assertThat(reply.getHeartbeat().getMaxMissed()).isEqualTo(2);
  }

  @Test
  void refusedConnectionIsAReplyNotAStatus() {
    ConnectResponse reply = logic.connect(connect("{\"mid\":123}"));

    assertThat(reply.hasRejection()).isTrue();
    assertThat(reply.getRejection().getReason())
        .isEqualTo(RejectReason.REJECT_REASON_UNAUTHENTICATED);
    assertThat(reply.getMid()).isZero();
    assertThat(reply.getKey()).isEmpty();
  }

  @Test
  void methodsNotImplementedFailWithAStatus() {
    HeartbeatRequest heartbeat =
        HeartbeatRequest.newBuilder().setMid(123).setKey("k").setServerId("comet-1").build();

    assertThatExceptionOfType(StatusRuntimeException.class)
        .isThrownBy(() -> logic.heartbeat(heartbeat))
        .extracting(e -> e.getStatus().getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }
}
