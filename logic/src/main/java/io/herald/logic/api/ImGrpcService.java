package io.herald.logic.api;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herald.logic.im.ChatException;
import io.herald.logic.im.ChatStatuses;
import io.herald.logic.im.ImGroups;
import io.herald.logic.im.ImService;
import io.herald.logic.push.PushConfig;
import io.herald.proto.im.v1.AddMembersRequest;
import io.herald.proto.im.v1.AddMembersResponse;
import io.herald.proto.im.v1.ConversationKind;
import io.herald.proto.im.v1.CreateGroupRequest;
import io.herald.proto.im.v1.CreateGroupResponse;
import io.herald.proto.im.v1.FanoutMode;
import io.herald.proto.im.v1.GetGroupRequest;
import io.herald.proto.im.v1.GetGroupResponse;
import io.herald.proto.im.v1.ImGrpc;
import io.herald.proto.im.v1.RemoveMembersRequest;
import io.herald.proto.im.v1.RemoveMembersResponse;
import io.herald.proto.im.v1.SendRequest;
import io.herald.proto.im.v1.SendResponse;
import io.herald.wire.chat.ChatKind;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * gRPC {@code herald.im.v1.Im}: the IM layer's backend API, with the semantics of its HTTP JSON
 * ({@link ImHttpApi}) and the push API's bearer token ({@link BearerAuthInterceptor}). A refusal
 * becomes the status of {@link ChatStatuses#grpc}, with the reason as its description. Serve {@link
 * #grpcService()} beside {@code Push}.
 */
public final class ImGrpcService extends ImGrpc.ImImplBase {
  private final ImService service;
  private final ImGroups groups;
  private final BearerTokens tokens;
  private final PushApiMetrics metrics;

  public ImGrpcService(
      ImService service, ImGroups groups, PushConfig.Api api, MeterRegistry meters) {
    this(service, groups, BearerTokens.of(api), meters);
  }

  /** With the push API's callers, shared so a token's push rate limit is one. */
  public ImGrpcService(
      ImService service, ImGroups groups, BearerTokens tokens, MeterRegistry meters) {
    this.service = service;
    this.groups = groups;
    this.tokens = tokens;
    this.metrics = new PushApiMetrics(meters);
  }

  /** This service behind the bearer-token interceptor: what to add to a {@code GrpcService}. */
  public ServerServiceDefinition grpcService() {
    return ServerInterceptors.intercept(this, new BearerAuthInterceptor(tokens, metrics));
  }

  @Override
  public void createGroup(
      CreateGroupRequest request, StreamObserver<CreateGroupResponse> response) {
    reply(
        () -> groups.create(request.getOwner(), request.getName(), request.getMembersList()),
        view ->
            CreateGroupResponse.newBuilder()
                .setGroupId(view.group().id())
                .setMemberCount(view.group().memberCount())
                .setMode(mode(view.mode()))
                .build(),
        response);
  }

  @Override
  public void addMembers(AddMembersRequest request, StreamObserver<AddMembersResponse> response) {
    reply(
        () -> groups.add(request.getGroupId(), request.getMidsList()),
        changed ->
            AddMembersResponse.newBuilder()
                .addAllAdded(changed.mids())
                .setMemberCount(changed.group().group().memberCount())
                .setMode(mode(changed.group().mode()))
                .build(),
        response);
  }

  @Override
  public void removeMembers(
      RemoveMembersRequest request, StreamObserver<RemoveMembersResponse> response) {
    reply(
        () -> groups.remove(request.getGroupId(), request.getMidsList()),
        changed ->
            RemoveMembersResponse.newBuilder()
                .addAllRemoved(changed.mids())
                .setMemberCount(changed.group().group().memberCount())
                .setMode(mode(changed.group().mode()))
                .build(),
        response);
  }

  @Override
  public void getGroup(GetGroupRequest request, StreamObserver<GetGroupResponse> response) {
    reply(
        () -> groups.group(request.getGroupId()),
        view ->
            GetGroupResponse.newBuilder()
                .setGroupId(view.group().id())
                .setName(view.group().name())
                .setOwner(view.group().owner())
                .setMemberCount(view.group().memberCount())
                .setMode(mode(view.mode()))
                .setLastSeq(view.group().lastSeq())
                .setCreatedUnixMs(view.group().createdMs())
                .build(),
        response);
  }

  @Override
  public void send(SendRequest request, StreamObserver<SendResponse> response) {
    reply(
        () ->
            service.send(
                new ImService.Send(
                    request.getFrom(),
                    kind(request.getKind()),
                    request.getTo(),
                    request.getClientMsgId(),
                    request.getContentType(),
                    request.getContent().toByteArray(),
                    false)),
        appended ->
            SendResponse.newBuilder()
                .setMessageId(appended.message().id())
                .setSeq(appended.message().seq())
                .setSentUnixMs(appended.message().sentMs())
                .setDuplicate(appended.duplicate())
                .build(),
        response);
  }

  private static ChatKind kind(ConversationKind kind) {
    return switch (kind) {
      case CONVERSATION_KIND_USER -> ChatKind.USER;
      case CONVERSATION_KIND_GROUP -> ChatKind.GROUP;
      default ->
          throw new IllegalArgumentException(
              "kind: " + kind + " (expected: CONVERSATION_KIND_USER or CONVERSATION_KIND_GROUP)");
    };
  }

  static FanoutMode mode(io.herald.wire.chat.FanoutMode mode) {
    return mode == io.herald.wire.chat.FanoutMode.READ
        ? FanoutMode.FANOUT_MODE_READ
        : FanoutMode.FANOUT_MODE_WRITE;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the observer is completed; nothing waits on it
  private static <T, R> void reply(
      Supplier<CompletableFuture<T>> call, Function<T, R> answer, StreamObserver<R> response) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (value, error) -> {
          if (error != null) {
            ChatException failure = ChatStatuses.of(error);
            response.onError(
                Status.fromCode(ChatStatuses.grpc(failure.status()))
                    .withDescription(failure.getMessage())
                    .asRuntimeException());
            return;
          }
          response.onNext(answer.apply(value));
          response.onCompleted();
        });
  }
}
