package io.herald.comet.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.testkit.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What callers of the Comet service see when a call fails, over a real gRPC server. */
class CometGrpcErrorsTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicReference<RuntimeException> drainFailure = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;
  private CometGrpc.CometBlockingStub comet;

  @BeforeEach
  void start() throws Exception {
    Buckets buckets = new Buckets(2);
    CometGrpcService service =
        new CometGrpcService(
            new Pusher(buckets, meters),
            buckets,
            "comet-t",
            1,
            64,
            Duration.ofSeconds(30),
            (hints, grace) -> {
              throw drainFailure.get();
            },
            incarnation -> 0);
    int port = FreePorts.next();
    server =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(
                ServerInterceptors.intercept(service, new CometGrpcErrors(stopping::get, meters)))
            .build()
            .start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
    comet = CometGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Status status(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void aMalformedRequestIsInvalidArgumentWithTheReason() {
    Status status = status(() -> comet.pushMsg(PushMsgRequest.getDefaultInstance()));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("keys: none (expected: at least one)");
    assertThat(
            meters
                .counter(
                    "herald.comet.grpc.calls", "method", "PushMsg", "status", "INVALID_ARGUMENT")
                .count())
        .isOne();
  }

  @Test
  void everyCallIsUnavailableWhileTheCometStops() {
    assertThat(comet.rooms(RoomsRequest.getDefaultInstance()).getServerId()).isEqualTo("comet-t");
    stopping.set(true);

    assertThat(status(() -> comet.rooms(RoomsRequest.getDefaultInstance())).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(meters.counter("herald.comet.grpc.calls", "method", "Rooms", "status", "OK").count())
        .isOne();
    assertThat(
            meters
                .counter("herald.comet.grpc.calls", "method", "Rooms", "status", "UNAVAILABLE")
                .count())
        .isOne();
  }

  @Test
  void aDrainRefusedBecauseTheCometStopsIsUnavailable() {
    drainFailure.set(new CometStoppingException("the Comet is stopping"));

    Status status = status(() -> comet.drain(DrainRequest.getDefaultInstance()));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).isEqualTo("the Comet is stopping");
  }

  @Test
  void aBugIsInternal() {
    drainFailure.set(new NullPointerException("bug"));

    assertThatThrownBy(() -> comet.drain(DrainRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
  }
}
