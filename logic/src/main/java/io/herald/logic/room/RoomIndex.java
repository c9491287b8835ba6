package io.herald.logic.room;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Which Comets hold members of which rooms, so that a room push goes only to those Comets and still
 * reaches every member that joined before it was accepted. A Comet's entry for a room is written
 * before the Comet answers the member's AUTH (Logic's Connect writes it) or JOIN ({@code
 * JoinRooms}), and kept fresh by the Comet's online reports; an entry not refreshed for the TTL
 * lapses, so a Comet that left a room (or died) stops getting its traffic. A stale entry only costs
 * a call that finds no member; a missing one would lose a message, which is why entries are written
 * before the member is answered and lapse rather than being deleted.
 *
 * <p>Implementations: {@link RedisRoomIndex} (shared by every Logic instance) and {@link
 * InMemoryRoomIndex} (standalone).
 */
public interface RoomIndex {

  /** Records that {@code serverId} holds members of each of {@code rooms}, for the TTL from now. */
  CompletableFuture<Void> hold(String serverId, Collection<String> rooms);

  /** The Comets holding members of {@code room} now. */
  CompletableFuture<Set<String>> servers(String room);
}
