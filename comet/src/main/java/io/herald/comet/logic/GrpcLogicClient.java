package io.herald.comet.logic;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.herald.comet.config.CometConfig;
import io.herald.ops.tls.GrpcTls;
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
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.LogicGrpc.LogicFutureStub;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.proto.logic.v1.RestoreSessionsRequest;
import io.herald.proto.logic.v1.RestoreSessionsResponse;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogicClient} over one gRPC channel to {@code logic.target}. The target may name several
 * Logic replicas (a DNS name with several addresses): calls are spread over them round-robin. Each
 * call carries the configured deadline. Replies complete on gRPC's executor, never on a Comet event
 * loop; callers hop back to theirs.
 *
 * <p>Metrics: {@code herald.comet.logic.calls{method, status}} (timer; status is the gRPC code).
 */
public final class GrpcLogicClient implements LogicClient {
  private static final Logger log = LoggerFactory.getLogger(GrpcLogicClient.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final ManagedChannel channel;
  private final LogicFutureStub stub;
  private final long callTimeoutNanos;
  private final MeterRegistry meters;
  private GrpcTls tls;

  /**
   * A channel to {@code config.target()}, plaintext or mutual TLS as {@code config.tls()} says; it
   * connects at the first call.
   *
   * @throws io.herald.config.ConfigException if TLS is on and its files cannot be used
   */
  public GrpcLogicClient(CometConfig.Logic config, MeterRegistry meters) {
    this(GrpcTls.client("comet", "logic", "logic.tls", config.tls(), meters), config, meters);
  }

  private GrpcLogicClient(GrpcTls tls, CometConfig.Logic config, MeterRegistry meters) {
    this(channel(tls, config.target()), config.callTimeout(), meters);
    this.tls = tls;
  }

  private static ManagedChannel channel(GrpcTls tls, String target) {
    return tls.channelBuilder(target).defaultLoadBalancingPolicy("round_robin").build();
  }

  /**
   * Calls Logic over {@code channel}, which this client owns and shuts down at {@link #close()}.
   */
  GrpcLogicClient(ManagedChannel channel, Duration callTimeout, MeterRegistry meters) {
    this.channel = channel;
    this.stub = LogicGrpc.newFutureStub(channel);
    this.callTimeoutNanos = callTimeout.toNanos();
    this.meters = meters;
  }

  @Override
  public CompletableFuture<ConnectResponse> connect(ConnectRequest request) {
    return call("connect", stub -> stub.connect(request));
  }

  @Override
  public CompletableFuture<DisconnectResponse> disconnect(DisconnectRequest request) {
    return call("disconnect", stub -> stub.disconnect(request));
  }

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    return call("heartbeat", stub -> stub.heartbeat(request));
  }

  @Override
  public CompletableFuture<RenewOnlineResponse> renewOnline(RenewOnlineRequest request) {
    return call("renewOnline", stub -> stub.renewOnline(request));
  }

  @Override
  public CompletableFuture<ReceiveResponse> receive(ReceiveRequest request) {
    return call("receive", stub -> stub.receive(request));
  }

  @Override
  public CompletableFuture<RestoreSessionsResponse> restoreSessions(
      RestoreSessionsRequest request) {
    return call("restoreSessions", stub -> stub.restoreSessions(request));
  }

  @Override
  public CompletableFuture<JoinRoomsResponse> joinRooms(JoinRoomsRequest request) {
    return call("joinRooms", stub -> stub.joinRooms(request));
  }

  @Override
  public CompletableFuture<AckResponse> ack(AckRequest request) {
    return call("ack", stub -> stub.ack(request));
  }

  @Override
  public CompletableFuture<SyncResponse> sync(SyncRequest request) {
    return call("sync", stub -> stub.sync(request));
  }

  private <T> CompletableFuture<T> call(
      String method, Function<LogicFutureStub, ListenableFuture<T>> call) {
    Timer.Sample sample = Timer.start(meters);
    CompletableFuture<T> result = new CompletableFuture<>();
    ListenableFuture<T> reply;
    try {
      reply = call.apply(stub.withDeadlineAfter(callTimeoutNanos, TimeUnit.NANOSECONDS));
    } catch (RuntimeException e) {
      // The channel is shut down, or the request could not be sent.
      record(sample, method, e);
      result.completeExceptionally(e);
      return result;
    }
    reply.addListener(
        () -> {
          try {
            T value = Futures.getDone(reply);
            record(sample, method, null);
            result.complete(value);
          } catch (ExecutionException e) {
            record(sample, method, e.getCause());
            result.completeExceptionally(e.getCause());
          } catch (RuntimeException e) {
            // Cancelled: by the caller through the returned future.
            record(sample, method, e);
            result.completeExceptionally(e);
          }
        },
        MoreExecutors.directExecutor());
    // A caller that gives up cancels the RPC as well.
    var unused =
        result.whenComplete(
            (value, error) -> {
              if (result.isCancelled()) {
                reply.cancel(false);
              }
            });
    return result;
  }

  private void record(Timer.Sample sample, String method, Throwable error) {
    String status = error == null ? "OK" : Status.fromThrowable(error).getCode().name();
    sample.stop(
        Timer.builder("herald.comet.logic.calls")
            .description("Calls from this Comet to Logic")
            .tag("method", method)
            .tag("status", status)
            .register(meters));
  }

  /** Shuts the channel down, letting calls in flight finish within a few seconds. */
  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Calls to Logic still open after {}; cancelling them", CLOSE_TIMEOUT);
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
