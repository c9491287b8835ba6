package io.herald.logic.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a room push goes: the Comets the {@link RoomIndex} names, or — when the index cannot be
 * trusted — every Comet, as goim does. The index cannot be trusted when it cannot be read (its
 * store is down) or while its store was lost moments ago and the Comets have not re-announced their
 * rooms yet ({@code justReset}). A Comet that is registered but has no live online report ({@code
 * unvouched}) gets every room push too: its index entries may have lapsed while it could not report
 * (no Logic reachable, Logic restarting, Redis away) though it still holds members — the index
 * names it again with its next report. Counts {@code herald.logic.push.room_routes{index}}.
 */
public final class RoomRoutes {
  private static final Logger log = LoggerFactory.getLogger(RoomRoutes.class);

  private final RoomIndex index;
  private final BooleanSupplier justReset;
  private final Supplier<Set<String>> unvouched;
  private final Counter indexed;
  private final Counter everywhere;

  /** Routes by {@code index} alone (every registered Comet vouched for). */
  public RoomRoutes(RoomIndex index, BooleanSupplier justReset, MeterRegistry meters) {
    this(index, justReset, Set::of, meters);
  }

  /**
   * @param unvouched the registered Comets without a live online report: they get every room push
   */
  public RoomRoutes(
      RoomIndex index,
      BooleanSupplier justReset,
      Supplier<Set<String>> unvouched,
      MeterRegistry meters) {
    this.index = index;
    this.justReset = justReset;
    this.unvouched = unvouched;
    this.indexed = routes(meters, "used");
    this.everywhere = routes(meters, "unavailable");
  }

  /** The Comets that hold members of {@code room}; empty when every Comet should get the push. */
  public CompletableFuture<Optional<Set<String>>> servers(String room) {
    if (justReset.getAsBoolean()) {
      everywhere.increment();
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<Set<String>> read;
    try {
      read = index.servers(room);
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    return read.handle(
        (servers, error) -> {
          if (error != null) {
            everywhere.increment();
            log.debug("Room index unreadable; {} goes to every Comet: {}", room, error.toString());
            return Optional.empty();
          }
          indexed.increment();
          Set<String> lapsed = unvouched.get();
          if (lapsed.isEmpty()) {
            return Optional.of(servers);
          }
          Set<String> all = new HashSet<>(servers);
          all.addAll(lapsed);
          return Optional.of(Set.copyOf(all));
        });
  }

  private static Counter routes(MeterRegistry meters, String index) {
    return Counter.builder("herald.logic.push.room_routes")
        .tag("index", index)
        .description(
            "Room pushes routed by the room index, or to every Comet when it is unavailable")
        .register(meters);
  }
}
