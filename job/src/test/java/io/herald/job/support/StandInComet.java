package io.herald.job.support;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Message;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.internal.GrpcUtil;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.comet.v1.BroadcastResponse;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.BroadcastRoomResponse;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.PushMsgResponse;
import io.herald.proto.comet.v1.PushMsgResult;
import io.herald.proto.comet.v1.PushMsgsRequest;
import io.herald.proto.comet.v1.PushMsgsResponse;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Comet gRPC service on a real port that Job's tests control: it records the delivery calls it
 * answered, fails the next N of them (or all, while told to) with a chosen status, and either
 * answers itself (rooms as set by {@link #rooms}) or forwards every call to a real Comet — a flaky
 * network path or a Comet in trouble in front of a real one. {@code Rooms()} never fails.
 *
 * <p>A {@code PushMsgs} is recorded as its pushes (each a {@link PushMsgRequest} in {@link #calls})
 * and as itself in {@link #batches}; the stand-in can refuse chosen pushes ({@link #refuse}) and
 * can play a Comet from before {@code PushMsgs} ({@link #withoutPushMsgs}).
 */
public final class StandInComet implements AutoCloseable {
  private final String serverId;
  private final int port;
  private final ManagedChannel forward;
  private final Server server;
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile Status failing;
  private volatile Status failStatus = Status.UNAVAILABLE;
  private volatile Map<String, Integer> rooms = Map.of();
  private volatile Predicate<PushMsgRequest> refused = push -> false;
  private volatile boolean servesPushMsgs = true;
  private final AtomicInteger failNextBatches = new AtomicInteger();

  /** The PushMsgs calls answered OK (their pushes are in {@link #calls} too). */
  public final List<PushMsgsRequest> batches = new CopyOnWriteArrayList<>();

  /** Delivery calls answered OK, in the order they arrived. */
  public final List<Message> calls = new CopyOnWriteArrayList<>();

  /** Delivery calls answered with an error. */
  public final AtomicInteger failed = new AtomicInteger();

  private StandInComet(String serverId, String forwardTo, int maxInboundMessageSize) {
    this.serverId = serverId;
    this.port = FreePorts.next();
    this.forward =
        forwardTo == null
            ? null
            : Grpc.newChannelBuilder(forwardTo, InsecureChannelCredentials.create()).build();
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .addService(new Service())
            .maxInboundMessageSize(maxInboundMessageSize)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stand-in answering every call itself. */
  public static StandInComet start(String serverId) {
    return new StandInComet(serverId, null, GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE);
  }

  /**
   * A stand-in whose gRPC server takes messages of at most {@code maxInboundMessageSize} bytes
   * (gRPC refuses larger ones with RESOURCE_EXHAUSTED, as a Comet with a lower limit would).
   */
  public static StandInComet start(String serverId, int maxInboundMessageSize) {
    return new StandInComet(serverId, null, maxInboundMessageSize);
  }

  /** A stand-in forwarding every call it does not fail to the Comet gRPC at {@code target}. */
  public static StandInComet inFrontOf(String serverId, String target) {
    return new StandInComet(serverId, target, GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE);
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The registry record of a Comet reached through this stand-in. */
  public CometNode node() {
    return CometNode.newBuilder()
        .setServerId(serverId)
        .setGrpcAddress(address())
        .setCapacity(1000)
        .setWeight(10)
        .setState(NodeState.NODE_STATE_UP)
        .build();
  }

  /** Fails the next {@code count} delivery calls with {@code status}. */
  public void failNext(int count, Status status) {
    failStatus = status;
    failNext.set(count);
  }

  /** Fails every delivery call with {@code status} until called with {@code null}. */
  public void failAll(Status status) {
    failing = status;
  }

  /**
   * Refuses the pushes that match {@code which} as the Comet refuses a malformed one: PushMsg with
   * INVALID_ARGUMENT, PushMsgs in that push's result (when not forwarding).
   */
  public void refuse(Predicate<PushMsgRequest> which) {
    refused = which;
  }

  /** Fails the next {@code count} PushMsgs calls (only those) with UNAVAILABLE. */
  public void failNextBatches(int count) {
    failNextBatches.set(count);
  }

  /** Answers PushMsgs with UNIMPLEMENTED, as a Comet from before it would. */
  public void withoutPushMsgs() {
    servesPushMsgs = false;
  }

  /** The rooms {@code Rooms()} reports (when not forwarding). */
  public void rooms(String... roomIds) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    for (String room : roomIds) {
      counts.put(room, 1);
    }
    rooms = Map.copyOf(counts);
  }

  /** The recorded calls of one type. */
  public <T extends Message> List<T> calls(Class<T> type) {
    return calls.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      if (forward != null) {
        forward.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Status failure() {
    Status always = failing;
    if (always != null) {
      return always;
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return failStatus;
    }
    return null;
  }

  private <Q extends Message, R extends Message> void answer(
      Q request,
      StreamObserver<R> response,
      R own,
      Function<CometGrpc.CometFutureStub, ListenableFuture<R>> forwarded) {
    Status failure = failure();
    if (failure != null) {
      failed.incrementAndGet();
      response.onError(failure.withDescription("stand-in failure").asRuntimeException());
      return;
    }
    if (forward == null) {
      calls.add(request);
      response.onNext(own);
      response.onCompleted();
      return;
    }
    Futures.addCallback(
        forwarded.apply(CometGrpc.newFutureStub(forward)),
        new FutureCallback<R>() {
          @Override
          public void onSuccess(R result) {
            calls.add(request);
            response.onNext(result);
            response.onCompleted();
          }

          @Override
          public void onFailure(Throwable error) {
            failed.incrementAndGet();
            response.onError(Status.fromThrowable(error).asRuntimeException());
          }
        },
        MoreExecutors.directExecutor());
  }

  private final class Service extends CometGrpc.CometImplBase {
    @Override
    public void pushMsg(PushMsgRequest request, StreamObserver<PushMsgResponse> response) {
      if (forward == null && refused.test(request)) {
        response.onError(
            Status.INVALID_ARGUMENT.withDescription("stand-in refusal").asRuntimeException());
        return;
      }
      answer(
          request, response, PushMsgResponse.getDefaultInstance(), stub -> stub.pushMsg(request));
    }

    @Override
    public void pushMsgs(PushMsgsRequest request, StreamObserver<PushMsgsResponse> response) {
      if (!servesPushMsgs) {
        super.pushMsgs(request, response);
        return;
      }
      Status failure =
          failNextBatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0
              ? Status.UNAVAILABLE
              : failure();
      if (failure != null) {
        failed.incrementAndGet();
        response.onError(failure.withDescription("stand-in failure").asRuntimeException());
        return;
      }
      if (forward != null) {
        Futures.addCallback(
            CometGrpc.newFutureStub(forward).pushMsgs(request),
            new FutureCallback<PushMsgsResponse>() {
              @Override
              public void onSuccess(PushMsgsResponse result) {
                batches.add(request);
                calls.addAll(request.getPushesList());
                response.onNext(result);
                response.onCompleted();
              }

              @Override
              public void onFailure(Throwable error) {
                failed.incrementAndGet();
                response.onError(Status.fromThrowable(error).asRuntimeException());
              }
            },
            MoreExecutors.directExecutor());
        return;
      }
      PushMsgsResponse.Builder results = PushMsgsResponse.newBuilder();
      for (PushMsgRequest push : request.getPushesList()) {
        if (refused.test(push)) {
          results.addResults(PushMsgResult.newBuilder().setInvalid("stand-in refusal"));
        } else {
          calls.add(push);
          results.addResults(PushMsgResult.getDefaultInstance());
        }
      }
      batches.add(request);
      response.onNext(results.build());
      response.onCompleted();
    }

    @Override
    public void broadcastRoom(
        BroadcastRoomRequest request, StreamObserver<BroadcastRoomResponse> response) {
      answer(
          request,
          response,
          BroadcastRoomResponse.getDefaultInstance(),
          stub -> stub.broadcastRoom(request));
    }

    @Override
    public void broadcast(BroadcastRequest request, StreamObserver<BroadcastResponse> response) {
      answer(
          request,
          response,
          BroadcastResponse.getDefaultInstance(),
          stub -> stub.broadcast(request));
    }

    @Override
    public void rooms(RoomsRequest request, StreamObserver<RoomsResponse> response) {
      if (forward != null) {
        Futures.addCallback(
            CometGrpc.newFutureStub(forward).rooms(request),
            new FutureCallback<RoomsResponse>() {
              @Override
              public void onSuccess(RoomsResponse result) {
                response.onNext(result);
                response.onCompleted();
              }

              @Override
              public void onFailure(Throwable error) {
                response.onError(Status.fromThrowable(error).asRuntimeException());
              }
            },
            MoreExecutors.directExecutor());
        return;
      }
      response.onNext(
          RoomsResponse.newBuilder().putAllRoomCounts(rooms).setServerId(serverId).build());
      response.onCompleted();
    }
  }
}
