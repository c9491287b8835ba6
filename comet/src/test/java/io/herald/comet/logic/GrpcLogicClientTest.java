package io.herald.comet.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herald.comet.config.CometConfig;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.testkit.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a Logic stand-in on a real gRPC server. */
class GrpcLogicClientTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Server logic;
  private GrpcLogicClient client;

  @BeforeEach
  void start() throws Exception {
    int port = FreePorts.next();
    logic =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(new StandInLogic())
            .build()
            .start();
    client =
        new GrpcLogicClient(
            new CometConfig.Logic("127.0.0.1:" + port, Duration.ofSeconds(3)), meters);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    logic.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aReplyCompletesTheFutureAndIsTimed() {
    ConnectResponse reply =
        client.connect(ConnectRequest.newBuilder().setServerId("comet-t").build()).join();

    assertThat(reply.getKey()).isEqualTo("key-for-comet-t");
    assertThat(
            meters.timer("herald.comet.logic.calls", "method", "connect", "status", "OK").count())
        .isOne();
  }

  @Test
  void anErrorStatusFailsTheFuture() {
    CompletableFuture<RenewOnlineResponse> reply =
        client.renewOnline(RenewOnlineRequest.getDefaultInstance());

    assertThat(reply)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aCallLogicDoesNotAnswerFailsAtTheDeadline() {
    CompletableFuture<HeartbeatResponse> reply =
        client.heartbeat(HeartbeatRequest.getDefaultInstance());

    assertThat(reply)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                meters
                        .timer(
                            "herald.comet.logic.calls",
                            "method",
                            "heartbeat",
                            "status",
                            "DEADLINE_EXCEEDED")
                        .count()
                    == 1);
  }

  @Test
  void callsAfterCloseFail() {
    client.close();

    CompletableFuture<ConnectResponse> reply = client.connect(ConnectRequest.getDefaultInstance());

    assertThat(reply).failsWithin(Duration.ofSeconds(10));
    assertThat(reply.handle((r, e) -> e).join())
        .isNotInstanceOf(CompletionException.class)
        .isInstanceOf(StatusRuntimeException.class);
  }

  /** Answers Connect, refuses RenewOnline, never answers Heartbeat. */
  private static final class StandInLogic extends LogicGrpc.LogicImplBase {
    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
      response.onNext(
          ConnectResponse.newBuilder()
              .setMid(1)
              .setKey("key-for-" + request.getServerId())
              .build());
      response.onCompleted();
    }

    @Override
    public void renewOnline(
        RenewOnlineRequest request, StreamObserver<RenewOnlineResponse> response) {
      response.onError(Status.UNAVAILABLE.withDescription("store down").asRuntimeException());
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      // Never answers: the client's deadline ends the call.
    }
  }
}
