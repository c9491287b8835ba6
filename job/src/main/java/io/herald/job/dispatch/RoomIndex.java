package io.herald.job.dispatch;

import io.herald.proto.registry.v1.CometNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Comets hold members of which rooms, from each Comet's answer to {@code Rooms()}. A Comet
 * that has not answered yet (it just registered, or its calls fail) is assumed to hold every room:
 * room traffic goes to it rather than being lost. Not thread-safe: the dispatcher's loop owns it.
 */
final class RoomIndex {
  /** One Comet's rooms as it last reported them. */
  private record Reported(long epoch, Set<String> rooms) {}

  private final Map<String, Reported> byComet = new HashMap<>();

  /** Records {@code serverId}'s rooms (room ids with members there). */
  void update(String serverId, long epoch, Collection<String> rooms) {
    byComet.put(serverId, new Reported(epoch, Set.copyOf(rooms)));
  }

  /** Forgets every Comet not in {@code registered}. */
  void retain(Collection<String> registered) {
    byComet.keySet().retainAll(Set.copyOf(registered));
  }

  /** Whether {@code serverId} has reported its rooms. */
  boolean knows(String serverId) {
    return byComet.containsKey(serverId);
  }

  /**
   * The nodes among {@code registered} a message for {@code room} goes to: those that reported
   * members of it, and those that have not reported yet.
   */
  List<CometNode> cometsFor(String room, List<CometNode> registered) {
    List<CometNode> targets = new ArrayList<>();
    for (CometNode node : registered) {
      Reported reported = byComet.get(node.getServerId());
      if (reported == null || reported.rooms().contains(room)) {
        targets.add(node);
      }
    }
    return targets;
  }

  /** Distinct rooms reported, across Comets (for a gauge). */
  int rooms() {
    return (int) byComet.values().stream().flatMap(r -> r.rooms().stream()).distinct().count();
  }
}
