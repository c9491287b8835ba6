package io.herald.comet.logic;

import io.herald.comet.session.Room;
import io.herald.proto.logic.v1.JoinRoomsRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Logic's room index names this Comet for a room before a member that joined it is
 * answered (JOIN_ROOM, CHANGE_ROOM): Logic routes each room push to the Comets its index names when
 * it accepts the push, so a push accepted after the answer reaches the member. One {@code
 * JoinRooms} call per room that had no member here; members joining while it is under way wait for
 * the same call.
 *
 * <p>A failed call is counted ({@code herald.comet.rooms.indexed{result=error}}) and logged, and
 * the member is answered anyway: the room is best-effort, and the next online report (or the next
 * member's join) names it. The returned futures never fail.
 */
public final class RoomAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(RoomAnnouncer.class);

  private final LogicClient logic;
  private final CometInstance self;
  private final Counter indexed;
  private final Counter failed;

  public RoomAnnouncer(LogicClient logic, CometInstance self, MeterRegistry meters) {
    this.logic = logic;
    this.self = self;
    this.indexed = counter(meters, "ok");
    this.failed = counter(meters, "error");
  }

  /** Completes (normally) once Logic's room index names this Comet for {@code room}, or gave up. */
  public CompletableFuture<Void> announce(Room room) {
    CompletableFuture<Void> request = room.indexed(() -> request(room.id()));
    if (request.isDone()) {
      return request.isCompletedExceptionally() ? CompletableFuture.completedFuture(null) : request;
    }
    return request.exceptionally(error -> null);
  }

  private CompletableFuture<Void> request(String roomId) {
    JoinRoomsRequest request =
        JoinRoomsRequest.newBuilder()
            .setServerId(self.serverId())
            .setServerEpoch(self.epoch())
            .addRooms(roomId)
            .build();
    CompletableFuture<Void> call;
    try {
      call = logic.joinRooms(request).thenApply(response -> null);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.whenComplete(
        (ok, error) -> {
          if (error == null) {
            indexed.increment();
          } else {
            failed.increment();
            log.warn(
                "Logic did not index room {} for {} (answering its member anyway; the next online"
                    + " report indexes it): {}",
                roomId,
                self.serverId(),
                error.toString());
          }
        });
  }

  private static Counter counter(MeterRegistry meters, String result) {
    return Counter.builder("herald.comet.rooms.indexed")
        .tag("result", result)
        .description("Requests to Logic to index a room this Comet newly holds members of")
        .register(meters);
  }
}
