package io.herald.logic.api;

import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herald.logic.Failures;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxUnavailableException;
import io.herald.logic.online.OnlineView;
import io.herald.logic.overload.Admission;
import io.herald.logic.overload.InFlightLimit;
import io.herald.logic.push.Delivery;
import io.herald.logic.push.InvalidPushException;
import io.herald.logic.push.PushConfig;
import io.herald.logic.push.PushResult;
import io.herald.logic.push.PushService;
import io.herald.logic.push.PushUnavailableException;
import io.herald.ops.armeria.GrpcStatusHandler;
import io.herald.ops.grpc.StatusMapping;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.push.v1.InboxPosition;
import io.herald.proto.push.v1.OnlineRoomRequest;
import io.herald.proto.push.v1.OnlineRoomResponse;
import io.herald.proto.push.v1.OnlineTopRequest;
import io.herald.proto.push.v1.OnlineTopResponse;
import io.herald.proto.push.v1.OnlineTotalRequest;
import io.herald.proto.push.v1.OnlineTotalResponse;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushAllResponse;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushKeysRequest;
import io.herald.proto.push.v1.PushKeysResponse;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushMidsResponse;
import io.herald.proto.push.v1.PushRoomRequest;
import io.herald.proto.push.v1.PushRoomResponse;
import io.herald.proto.push.v1.ReadInboxRequest;
import io.herald.proto.push.v1.ReadInboxResponse;
import io.herald.proto.push.v1.RoomOnline;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * gRPC {@code herald.push.v1.Push}, with the semantics of the HTTP API ({@link GoimPushHttpApi}): a
 * push answers once Kafka has every record of it. A push over the bound on pushes in flight ({@link
 * Admission}) fails at once with RESOURCE_EXHAUSTED, trailer {@link #RETRY_AFTER_MS}. Errors become
 * statuses by {@link #STATUSES}; the bearer token is checked by {@link BearerAuthInterceptor}.
 * Serve {@link #grpcService()}, with {@link #exceptionHandler()} on the {@code GrpcService}.
 */
public final class PushGrpcService extends PushGrpc.PushImplBase {
  /**
   * The push API's failures as statuses: a refused request ({@link InvalidPushException}, any
   * {@link IllegalArgumentException}) is INVALID_ARGUMENT; a push that could not be stored or
   * queued or got no message id ({@link PushUnavailableException}), or an inbox that could not be
   * read ({@link InboxUnavailableException}), UNAVAILABLE, safe to retry.
   */
  public static final StatusMapping STATUSES =
      StatusMapping.builder()
          .map(PushUnavailableException.class, Status.Code.UNAVAILABLE)
          .map(InboxUnavailableException.class, Status.Code.UNAVAILABLE)
          .build();

  /** The trailer of a RESOURCE_EXHAUSTED push: how long to wait before retrying, in ms. */
  public static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final PushService pushes;
  private final OnlineQueries online;
  private final InboxQueries inboxes;
  private final BearerTokens tokens;
  private final PushApiMetrics metrics;
  private final PushSpans spans;
  private final Admission admission;

  /**
   * @throws IllegalArgumentException if {@code api} requires a token but configures none
   */
  public PushGrpcService(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      PushConfig.Api api,
      MeterRegistry meters) {
    this(pushes, online, inbox, api, meters, Tracing.off());
  }

  /**
   * @param tracing traces each push from the trace context in its call's metadata
   * @throws IllegalArgumentException if {@code api} requires a token but configures none
   */
  public PushGrpcService(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      PushConfig.Api api,
      MeterRegistry meters,
      Tracing tracing) {
    this(pushes, online, inbox, BearerTokens.of(api), meters, tracing, Admission.unbounded());
  }

  /**
   * @param tokens the callers, shared with the HTTP API so a token's push rate limit is one
   * @param admission bounds the pushes in flight (shared with the HTTP API): one over it fails at
   *     once with RESOURCE_EXHAUSTED and trailer {@code retry-after-ms}
   */
  public PushGrpcService(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      BearerTokens tokens,
      MeterRegistry meters,
      Tracing tracing,
      Admission admission) {
    this.admission = admission;
    this.pushes = pushes;
    this.spans = new PushSpans(tracing);
    this.online = new OnlineQueries(online);
    this.inboxes = new InboxQueries(inbox);
    this.tokens = tokens;
    this.metrics = new PushApiMetrics(meters);
  }

  /** This service behind the bearer-token interceptor: what to add to a {@code GrpcService}. */
  public ServerServiceDefinition grpcService() {
    return ServerInterceptors.intercept(this, new BearerAuthInterceptor(tokens, metrics));
  }

  /** Maps the push API's exceptions to statuses: {@link #STATUSES} on Armeria. */
  public static GrpcExceptionHandlerFunction exceptionHandler() {
    return new GrpcStatusHandler(STATUSES);
  }

  @Override
  public void pushKeys(PushKeysRequest request, StreamObserver<PushKeysResponse> response) {
    reply(
        "keys",
        request.getSerializedSize(),
        PushGrpc.getPushKeysMethod().getFullMethodName(),
        () ->
            pushes.pushKeys(
                request.getOp(),
                request.getKeysList(),
                request.getBody(),
                new Delivery(request.getRequireAck(), request.getStore(), request.getNotify())),
        result ->
            PushKeysResponse.newBuilder()
                .setMessageId(result.messageId())
                .addAllOfflineKeys(result.offlineKeys())
                .addAllStored(positions(result))
                .build(),
        response);
  }

  @Override
  public void pushMids(PushMidsRequest request, StreamObserver<PushMidsResponse> response) {
    reply(
        "mids",
        request.getSerializedSize(),
        PushGrpc.getPushMidsMethod().getFullMethodName(),
        () ->
            pushes.pushMids(
                request.getOp(),
                request.getMidsList(),
                request.getBody(),
                new Delivery(request.getRequireAck(), request.getStore(), request.getNotify())),
        result ->
            PushMidsResponse.newBuilder()
                .setMessageId(result.messageId())
                .addAllOfflineMids(result.offlineMids())
                .addAllStored(positions(result))
                .build(),
        response);
  }

  @Override
  public void pushRoom(PushRoomRequest request, StreamObserver<PushRoomResponse> response) {
    reply(
        "room",
        request.getSerializedSize(),
        PushGrpc.getPushRoomMethod().getFullMethodName(),
        () ->
            pushes.pushRoom(
                request.getOp(), request.getType(), request.getRoom(), request.getBody()),
        result -> PushRoomResponse.newBuilder().setMessageId(result.messageId()).build(),
        response);
  }

  @Override
  public void pushAll(PushAllRequest request, StreamObserver<PushAllResponse> response) {
    reply(
        "all",
        request.getSerializedSize(),
        PushGrpc.getPushAllMethod().getFullMethodName(),
        () -> pushes.pushAll(request.getOp(), request.getSpeed(), request.getBody()),
        result -> PushAllResponse.newBuilder().setMessageId(result.messageId()).build(),
        response);
  }

  @Override
  public void onlineTop(OnlineTopRequest request, StreamObserver<OnlineTopResponse> response) {
    answer(
        "top",
        () -> {
          OnlineTopResponse.Builder reply = OnlineTopResponse.newBuilder();
          online
              .top(request.getType(), request.getLimit())
              .forEach(
                  room ->
                      reply.addRooms(
                          RoomOnline.newBuilder()
                              .setRoomId(room.roomId())
                              .setCount(saturated(room.count()))));
          return reply.build();
        },
        response);
  }

  @Override
  public void onlineRoom(OnlineRoomRequest request, StreamObserver<OnlineRoomResponse> response) {
    answer(
        "room",
        () -> {
          OnlineRoomResponse.Builder reply = OnlineRoomResponse.newBuilder();
          for (Map.Entry<String, Long> room :
              online.rooms(request.getType(), request.getRoomsList()).entrySet()) {
            reply.putCounts(room.getKey(), saturated(room.getValue()));
          }
          return reply.build();
        },
        response);
  }

  @Override
  public void onlineTotal(
      OnlineTotalRequest request, StreamObserver<OnlineTotalResponse> response) {
    answer(
        "total",
        () -> {
          OnlineView.Totals totals = online.totals();
          return OnlineTotalResponse.newBuilder()
              .setIpCount(totals.ipCount())
              .setConnCount(totals.connCount())
              .build();
        },
        response);
  }

  @Override
  public void readInbox(ReadInboxRequest request, StreamObserver<ReadInboxResponse> response) {
    CompletableFuture<InboxQueries.Answer> read;
    try {
      read = inboxes.read(request.getMid(), request.getAfterSeq(), request.getLimit());
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Executor loop = ctx == null ? Runnable::run : ctx.eventLoop();
    var unused =
        read.whenCompleteAsync(
            (answer, e) -> {
              metrics.inboxRead(e);
              if (e != null) {
                response.onError(Failures.cause(e));
                return;
              }
              response.onNext(
                  ReadInboxResponse.newBuilder()
                      .setEpoch(answer.read().epoch())
                      .setOldestSeq(answer.read().oldestSeq())
                      .setLatestSeq(answer.read().latestSeq())
                      .addAllMessages(answer.read().messages())
                      .putAllCursors(answer.cursors())
                      .setMore(answer.read().more())
                      .build());
              response.onCompleted();
            },
            loop);
  }

  private static List<InboxPosition> positions(PushResult result) {
    return result.stored().stream()
        .map(
            stored ->
                InboxPosition.newBuilder()
                    .setMid(stored.mid())
                    .setEpoch(stored.epoch())
                    .setSeq(stored.seq())
                    .build())
        .toList();
  }

  /**
   * Answers once the push is queued (or failed), on the request's event loop; traced as span {@code
   * method} ({@link PushSpans}) from the trace context in the call's metadata.
   */
  private <R> void reply(
      String target,
      long size,
      String method,
      Supplier<CompletableFuture<PushResult>> push,
      Function<PushResult, R> toResponse,
      StreamObserver<R> response) {
    InFlightLimit.Permit permit = admission.tryAdmit(size);
    if (permit == null) {
      metrics.push(target, PushApiMetrics.OVERLOADED);
      Metadata trailers = new Metadata();
      trailers.put(RETRY_AFTER_MS, Long.toString(admission.retryAfterMillis()));
      response.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "overloaded: too many pushes in flight, retry after "
                      + admission.retryAfterMillis()
                      + " ms")
              .asRuntimeException(trailers));
      return;
    }
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Span span =
        spans.start(method, ctx == null ? HttpHeaders.of() : ctx.request().headers(), "grpc");
    CompletableFuture<PushResult> pushed = spans.run(span, push);
    Executor loop = ctx == null ? Runnable::run : ctx.eventLoop();
    var unused =
        pushed.whenCompleteAsync(
            (result, e) -> {
              permit.release();
              metrics.push(target, e);
              if (e == null) {
                PushSpans.messageId(span, result.messageId());
                response.onNext(toResponse.apply(result));
                response.onCompleted();
              } else {
                response.onError(Failures.cause(e));
              }
            },
            loop);
  }

  private <R> void answer(String query, Supplier<R> reply, StreamObserver<R> response) {
    R answer;
    try {
      answer = reply.get();
    } catch (RuntimeException e) {
      metrics.query(query, e);
      response.onError(e);
      return;
    }
    metrics.query(query, PushApiMetrics.OK);
    response.onNext(answer);
    response.onCompleted();
  }

  private static int saturated(long count) {
    return (int) Math.min(count, Integer.MAX_VALUE);
  }
}
