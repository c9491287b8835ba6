package io.herald.logic.comet;

import io.herald.balancer.ClientHeartbeat;
import io.herald.logic.Failures;
import io.herald.logic.auth.AuthBody;
import io.herald.logic.auth.AuthException;
import io.herald.logic.auth.Identity;
import io.herald.logic.room.RoomIndex;
import io.herald.logic.session.Session;
import io.herald.logic.session.SessionStore;
import io.herald.proto.comet.v1.KickReason;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.RejectReason;
import io.herald.proto.logic.v1.Rejection;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an authenticated connection's session: settles its device key, applies the duplicate-login
 * policy through the Comets that hold the older connections, records the session and the room entry
 * of its Comet.
 */
public final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);

  /** How long a client should wait before retrying when its authenticator could not decide. */
  private static final long RETRY_AFTER_UNAVAILABLE_MS = 5_000;

  private final SessionStore sessions;
  private final RoomIndex rooms;
  private final CometClients comets;
  private final DuplicateLoginPolicy policy;
  private final ClientHeartbeat heartbeat;
  private final MeterRegistry meters;

  public Connections(
      SessionStore sessions,
      RoomIndex rooms,
      CometClients comets,
      DuplicateLoginPolicy policy,
      ClientHeartbeat heartbeat,
      MeterRegistry meters) {
    this.sessions = sessions;
    this.rooms = rooms;
    this.comets = comets;
    this.policy = policy;
    this.heartbeat = heartbeat;
    this.meters = meters;
  }

  CompletableFuture<ConnectResponse> open(
      ConnectRequest request, AuthBody auth, Identity identity) {
    long mid = identity.mid();
    CompletableFuture<Map<String, Session>> keyOwner =
        auth.key().isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : sessions.sessionsOfKeys(List.of(auth.key()));
    CompletableFuture<Map<Long, List<Session>>> devices = sessions.sessionsOfMids(List.of(mid));
    return keyOwner
        .thenCombine(
            devices,
            (owners, byMid) -> {
              // A key held by another user is never taken over: the client gets a fresh one.
              Session owner = owners.get(auth.key());
              boolean keep = !auth.key().isEmpty() && (owner == null || owner.mid() == mid);
              Session session =
                  new Session(
                      mid,
                      keep ? auth.key() : UUID.randomUUID().toString(),
                      request.getServerId(),
                      request.getServerEpoch(),
                      request.getConnId(),
                      auth.platform());
              kick(policy.replaced(session, byMid.getOrDefault(mid, List.of())));
              return session;
            })
        .thenCompose(
            session ->
                sessions
                    .put(session)
                    .thenCombine(hold(session, auth), (put, held) -> reply(session, auth)))
        .whenComplete((reply, error) -> count(error));
  }

  /**
   * Records the connection's room in the room index before the Comet answers AUTH, so a room push
   * accepted after that answer is routed to its Comet.
   */
  private CompletableFuture<Void> hold(Session session, AuthBody auth) {
    return auth.roomId().isEmpty()
        ? CompletableFuture.completedFuture(null)
        : rooms.hold(session.serverId(), List.of(auth.roomId()));
  }

  private ConnectResponse reply(Session session, AuthBody auth) {
    ConnectResponse.Builder reply =
        ConnectResponse.newBuilder()
            .setMid(session.mid())
            .setKey(session.key())
            .addAllAccepts(auth.accepts())
            .setHeartbeat(heartbeat.toProto())
            .setPlatform(session.platform());
    if (!auth.roomId().isEmpty()) {
      reply.addRooms(auth.roomId());
    }
    return reply.build();
  }

  /** Kicks replaced connections in the background; their Comets' Disconnect removes them. */
  private void kick(List<Session> replaced) {
    Map<String, List<Session>> byServer =
        replaced.stream().collect(Collectors.groupingBy(Session::serverId));
    byServer.forEach(
        (serverId, olds) -> {
          var unused =
              comets
                  .kick(serverId, olds, KickReason.KICK_REASON_DUPLICATE_LOGIN)
                  .whenComplete((kicked, error) -> kicked(serverId, error));
        });
  }

  private void kicked(String serverId, Throwable error) {
    meters.counter("herald.logic.kicks", "result", error == null ? "ok" : "error").increment();
    if (error != null) {
      log.warn("Kicking duplicate logins on {} failed: {}", serverId, error.toString());
    }
  }

  private void count(Throwable error) {
    String result =
        error == null
            ? "ok"
            : Failures.cause(error) instanceof AuthException ? "rejected" : "error";
    meters.counter("herald.logic.connects", "result", result).increment();
  }

  /** The answer to a Connect over the bound on Connects in flight: retry after that long. */
  static ConnectResponse overloaded(long retryAfterMillis) {
    return ConnectResponse.newBuilder()
        .setRejection(
            Rejection.newBuilder()
                .setReason(RejectReason.REJECT_REASON_OVERLOADED)
                .setMessage("overloaded: too many connects in flight, retry")
                .setRetryAfterMs(retryAfterMillis))
        .build();
  }

  static ConnectResponse rejection(AuthException refused) {
    RejectReason reason =
        switch (refused.reason()) {
          case MALFORMED -> RejectReason.REJECT_REASON_MALFORMED_AUTH;
          case UNAUTHENTICATED -> RejectReason.REJECT_REASON_UNAUTHENTICATED;
          case FORBIDDEN -> RejectReason.REJECT_REASON_FORBIDDEN;
          case UNAVAILABLE -> RejectReason.REJECT_REASON_OVERLOADED;
        };
    Rejection.Builder rejection =
        Rejection.newBuilder().setReason(reason).setMessage(refused.getMessage());
    if (refused.reason() == AuthException.Reason.UNAVAILABLE) {
      rejection.setRetryAfterMs(RETRY_AFTER_UNAVAILABLE_MS);
    }
    return ConnectResponse.newBuilder().setRejection(rejection).build();
  }
}
