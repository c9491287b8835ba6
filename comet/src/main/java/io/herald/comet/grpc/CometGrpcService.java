package io.herald.comet.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import io.herald.comet.push.Delivery;
import io.herald.comet.push.PushFrame;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.Notices;
import io.herald.ops.tracing.GrpcTracing;
import io.herald.ops.tracing.PushAttributes;
import io.herald.ops.tracing.Tracing;
import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.comet.v1.BroadcastResponse;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.BroadcastRoomResponse;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.comet.v1.KickRequest;
import io.herald.proto.comet.v1.KickResponse;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.PushMsgResponse;
import io.herald.proto.comet.v1.PushMsgResult;
import io.herald.proto.comet.v1.PushMsgsRequest;
import io.herald.proto.comet.v1.PushMsgsResponse;
import io.herald.proto.comet.v1.ResyncRequest;
import io.herald.proto.comet.v1.ResyncResponse;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.proto.common.v1.Frame;
import io.herald.wire.Op;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Comet service Job and Logic call: deliveries ({@code PushMsg}, {@code BroadcastRoom}, {@code
 * Broadcast}) through the {@link Pusher}, the room list, {@code Kick}, {@code Drain} and {@code
 * Resync}; {@code PushMsgs} is several {@code PushMsg} in one call, each answered on its own.
 * Requests are checked here and refused with an {@link InvalidRequestException}, which {@link
 * CometGrpcErrors} turns into INVALID_ARGUMENT; unknown keys and rooms are not errors.
 *
 * <p>{@code Kick} is fenced by epoch — a request naming another incarnation of this server kicks
 * nothing, since the sessions it means died with that process — and, when it names them, by
 * connection id: a device that connected again keeps its new connection. A kicked client gets op 6
 * with the reason ({@code duplicate_login}, {@code auth_revoked} or {@code admin}, then {@code ":
 * "} and the request's message if any) and its connection is closed.
 */
public final class CometGrpcService extends CometGrpc.CometImplBase {
  /** The most keys one PushMsg or Kick may name (Job splits larger sets). */
  static final int MAX_KEYS = 1000;

  /** The most pushes one PushMsgs may carry. */
  static final int MAX_PUSHES = 1000;

  private static final Logger log = LoggerFactory.getLogger(CometGrpcService.class);

  /** The longest Drain grace accepted. */
  static final Duration MAX_GRACE = Duration.ofMinutes(10);

  private static final int MAX_KICK_MESSAGE_BYTES = 256;

  private final Pusher pusher;
  private final Buckets buckets;
  private final String serverId;
  private final long epoch;
  private final int maxBodyBytes;
  private final Duration defaultGrace;
  private final Drainer drainer;
  private final ToLongFunction<String> resync;
  private final Tracing tracing;

  /**
   * @param serverId this Comet's server id
   * @param epoch this Comet's epoch (start time, Unix ms)
   * @param maxBodyBytes the largest body a delivered frame may carry
   * @param defaultGrace the drain grace when a request gives none
   * @param drainer starts draining this Comet
   * @param resync starts re-announcing every session to Logic, given the session store's new
   *     incarnation; returns the connections held
   */
  public CometGrpcService(
      Pusher pusher,
      Buckets buckets,
      String serverId,
      long epoch,
      int maxBodyBytes,
      Duration defaultGrace,
      Drainer drainer,
      ToLongFunction<String> resync) {
    this(
        pusher,
        buckets,
        serverId,
        epoch,
        maxBodyBytes,
        defaultGrace,
        drainer,
        resync,
        Tracing.off());
  }

  /**
   * As above, each delivery traced as a server span around the write to the connections, under the
   * trace context of its call ({@link GrpcTracing#incoming()}).
   */
  public CometGrpcService(
      Pusher pusher,
      Buckets buckets,
      String serverId,
      long epoch,
      int maxBodyBytes,
      Duration defaultGrace,
      Drainer drainer,
      ToLongFunction<String> resync,
      Tracing tracing) {
    this.tracing = tracing;
    this.pusher = pusher;
    this.buckets = buckets;
    this.serverId = serverId;
    this.epoch = epoch;
    this.maxBodyBytes = maxBodyBytes;
    this.defaultGrace = defaultGrace;
    this.drainer = drainer;
    this.resync = resync;
  }

  @Override
  public void pushMsg(PushMsgRequest request, StreamObserver<PushMsgResponse> response) {
    Delivery delivery = delivery(request);
    List<String> absent =
        traced(
            CometGrpc.getPushMsgMethod(),
            () -> pusher.pushKeys(request.getKeysList(), delivery),
            (span, result) -> {
              span.setAttribute(PushAttributes.OP, request.getOp());
              span.setAttribute(PushAttributes.MESSAGE_ID, request.getMessageId());
              span.setAttribute(PushAttributes.TARGETS, request.getKeysCount());
              span.setAttribute(PushAttributes.ABSENT_KEYS, result.size());
            });
    reply(response, PushMsgResponse.newBuilder().addAllAbsentKeys(absent).build());
  }

  /**
   * Each push as {@link #pushMsg} would write it, in order, under one span; a push {@code pushMsg}
   * would refuse is refused in its own result and written to no key.
   */
  @Override
  public void pushMsgs(PushMsgsRequest request, StreamObserver<PushMsgsResponse> response) {
    int count = request.getPushesCount();
    if (count == 0 || count > MAX_PUSHES) {
      throw new InvalidRequestException(
          "pushes: " + count + " (expected: 1-" + MAX_PUSHES + " per request)");
    }
    PushMsgsResponse results =
        traced(
            CometGrpc.getPushMsgsMethod(),
            () -> {
              PushMsgsResponse.Builder replies = PushMsgsResponse.newBuilder();
              for (int i = 0; i < count; i++) {
                replies.addResults(pushOne(i, request.getPushes(i)));
              }
              return replies.build();
            },
            (span, result) -> span.setAttribute(PushAttributes.BATCH_MESSAGES, count));
    reply(response, results);
  }

  private PushMsgResult pushOne(int index, PushMsgRequest push) {
    Delivery delivery;
    try {
      delivery = delivery(push);
    } catch (InvalidRequestException e) {
      log.debug("PushMsgs refused pushes[{}]: {}", index, e.getMessage());
      return PushMsgResult.newBuilder().setInvalid(e.getMessage()).build();
    }
    List<String> absent = pusher.pushKeys(push.getKeysList(), delivery);
    return absent.isEmpty()
        ? PushMsgResult.getDefaultInstance()
        : PushMsgResult.newBuilder().addAllAbsentKeys(absent).build();
  }

  /** What {@code request} delivers, once checked; a malformed request is refused. */
  private Delivery delivery(PushMsgRequest request) {
    checkKeys(request.getKeysCount());
    checkOp("op", request.getOp());
    checkBody("body", request.getBody().size());
    if (request.getRequireAck() && request.getMessageId() == 0) {
      throw new InvalidRequestException("require_ack: true with message_id 0 (expected: an id)");
    }
    if (request.getInboxSeq() < 0 || request.getInboxEpoch() < 0) {
      throw new InvalidRequestException(
          "inbox_seq "
              + request.getInboxSeq()
              + ", inbox_epoch "
              + request.getInboxEpoch()
              + " (expected: >= 0)");
    }
    if (request.getInboxSeq() > 0 && request.getInboxEpoch() == 0) {
      throw new InvalidRequestException(
          "inbox_seq " + request.getInboxSeq() + " with inbox_epoch 0 (expected: its epoch)");
    }
    return new Delivery(
        request.getMessageId(),
        request.getOp(),
        request.getBody(),
        request.getInboxEpoch(),
        request.getInboxSeq(),
        request.getRequireAck(),
        request.getNotify() && request.getInboxSeq() > 0);
  }

  @Override
  public void broadcastRoom(
      BroadcastRoomRequest request, StreamObserver<BroadcastRoomResponse> response) {
    if (request.getRoomId().isEmpty()) {
      throw new InvalidRequestException("room_id: empty (expected: type://id)");
    }
    if (request.getFramesCount() == 0) {
      throw new InvalidRequestException("frames: none (expected: at least one)");
    }
    List<PushFrame> frames = new ArrayList<>(request.getFramesCount());
    for (int i = 0; i < request.getFramesCount(); i++) {
      Frame frame = request.getFrames(i);
      checkOp("frames[" + i + "].op", frame.getOp());
      checkBody("frames[" + i + "].body", frame.getBody().size());
      frames.add(new PushFrame(frame.getOp(), frame.getSeq(), frame.getBody()));
    }
    int recipients =
        traced(
            CometGrpc.getBroadcastRoomMethod(),
            () -> pusher.broadcastRoom(request.getRoomId(), frames),
            (span, result) -> {
              span.setAttribute(PushAttributes.ROOM, request.getRoomId());
              span.setAttribute(PushAttributes.BATCH_MESSAGES, frames.size());
              span.setAttribute(PushAttributes.RECIPIENTS, result);
            });
    reply(response, BroadcastRoomResponse.newBuilder().setRecipients(recipients).build());
  }

  @Override
  public void broadcast(BroadcastRequest request, StreamObserver<BroadcastResponse> response) {
    checkOp("op", request.getOp());
    checkBody("body", request.getBody().size());
    if (request.getSpeed() < 0) {
      throw new InvalidRequestException(
          "speed: " + request.getSpeed() + " (expected: >= 0, 0 = unpaced)");
    }
    long recipients =
        traced(
            CometGrpc.getBroadcastMethod(),
            () -> pusher.broadcast(request.getOp(), request.getBody(), request.getSpeed()),
            (span, result) -> {
              span.setAttribute(PushAttributes.OP, request.getOp());
              span.setAttribute(PushAttributes.MESSAGE_ID, request.getMessageId());
              span.setAttribute(PushAttributes.RECIPIENTS, result);
            });
    reply(response, BroadcastResponse.newBuilder().setRecipients(recipients).build());
  }

  @Override
  public void rooms(RoomsRequest request, StreamObserver<RoomsResponse> response) {
    reply(
        response,
        RoomsResponse.newBuilder()
            .putAllRoomCounts(buckets.roomCounts())
            .setServerId(serverId)
            .setEpoch(epoch)
            .build());
  }

  @Override
  public void kick(KickRequest request, StreamObserver<KickResponse> response) {
    checkKeys(request.getKeysCount());
    int messageBytes = request.getMessage().getBytes(StandardCharsets.UTF_8).length;
    if (messageBytes > MAX_KICK_MESSAGE_BYTES) {
      throw new InvalidRequestException(
          "message: " + messageBytes + " bytes (expected: at most " + MAX_KICK_MESSAGE_BYTES + ")");
    }
    if (request.getConnIdsCount() != 0 && request.getConnIdsCount() != request.getKeysCount()) {
      throw new InvalidRequestException(
          "conn_ids: "
              + request.getConnIdsCount()
              + " (expected: none, or one per key: "
              + request.getKeysCount()
              + ")");
    }
    KickResponse.Builder kicked = KickResponse.newBuilder();
    if (request.getEpoch() == 0 || request.getEpoch() == epoch) {
      String reason = reason(request);
      Set<String> done = new HashSet<>();
      for (int i = 0; i < request.getKeysCount(); i++) {
        String key = request.getKeys(i);
        Connection connection = buckets.get(key);
        boolean named =
            connection != null
                && (request.getConnIdsCount() == 0 || connection.id() == request.getConnIds(i));
        if (named && done.add(key)) {
          Notices.disconnect(connection, reason);
          kicked.addKickedKeys(key);
        }
      }
    }
    reply(response, kicked.build());
  }

  @Override
  public void resync(ResyncRequest request, StreamObserver<ResyncResponse> response) {
    long connections = resync.applyAsLong(request.getStoreIncarnation());
    reply(response, ResyncResponse.newBuilder().setConnections(connections).build());
  }

  @Override
  public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
    long graceMs = request.getGraceMs();
    if (graceMs < 0 || graceMs > MAX_GRACE.toMillis()) {
      throw new InvalidRequestException(
          "grace_ms: " + graceMs + " (expected: 0-" + MAX_GRACE.toMillis() + ")");
    }
    Duration grace = graceMs == 0 ? defaultGrace : Duration.ofMillis(graceMs);
    DrainStatus status = drainer.drain(request.getHintsList(), grace);
    reply(
        response,
        DrainResponse.newBuilder()
            .setConnections(status.connections())
            .setDeadlineUnixMs(status.deadline().toEpochMilli())
            .setAlreadyDraining(status.alreadyDraining())
            .build());
  }

  /**
   * The span of a delivery's write to this Comet's connections (frames handed to their outbound
   * queues; a paced broadcast's first chunk), child of the call's trace context.
   */
  private Span writeSpan(MethodDescriptor<?, ?> method) {
    Span span = tracing.start(method.getFullMethodName(), SpanKind.SERVER, GrpcTracing.incoming());
    if (span.isRecording()) {
      span.setAttribute("rpc.system", "grpc");
      span.setAttribute("rpc.service", method.getServiceName());
      span.setAttribute("rpc.method", method.getBareMethodName());
      span.setAttribute(PushAttributes.SERVER_ID, serverId);
    }
    return span;
  }

  /**
   * {@code write} inside its {@link #writeSpan}: the span ends with the write, in error when it
   * throws, and {@code describe} adds the result's attributes when the span is recorded.
   */
  private <T> T traced(
      MethodDescriptor<?, ?> method, Supplier<T> write, BiConsumer<Span, T> describe) {
    Span span = writeSpan(method);
    T result;
    try {
      result = write.get();
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      span.end();
      throw e;
    }
    if (span.isRecording()) {
      describe.accept(span, result);
    }
    span.end();
    return result;
  }

  /** The op-6 text a kicked client receives. */
  static String reason(KickRequest request) {
    String reason =
        switch (request.getReason()) {
          case KICK_REASON_DUPLICATE_LOGIN -> "duplicate_login";
          case KICK_REASON_AUTH_REVOKED -> "auth_revoked";
          case KICK_REASON_ADMIN, KICK_REASON_UNSPECIFIED, UNRECOGNIZED -> "admin";
        };
    return request.getMessage().isEmpty() ? reason : reason + ": " + request.getMessage();
  }

  private static void checkKeys(int count) {
    if (count == 0) {
      throw new InvalidRequestException("keys: none (expected: at least one)");
    }
    if (count > MAX_KEYS) {
      throw new InvalidRequestException(
          "keys: " + count + " (expected: at most " + MAX_KEYS + " per request)");
    }
  }

  private static void checkOp(String field, int op) {
    if (op == Op.RAW) {
      throw new InvalidRequestException(field + ": 9 (expected: not RAW; the Comet makes batches)");
    }
  }

  private void checkBody(String field, int size) {
    if (size > maxBodyBytes) {
      throw new InvalidRequestException(
          field + ": " + size + " bytes (expected: at most " + maxBodyBytes + ")");
    }
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
