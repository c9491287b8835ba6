package io.herald.comet.session;

import io.herald.config.Check;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every authenticated connection on this Comet, sharded into buckets by device key (as goim does,
 * to cut contention), and the rooms they are in. Safe from any thread.
 */
public final class Buckets {
  private final Bucket[] buckets;

  public Buckets(int count) {
    Check.inRange("buckets", count, 1, 65536);
    buckets = new Bucket[count];
    for (int i = 0; i < count; i++) {
      buckets[i] = new Bucket();
    }
  }

  private Bucket bucket(String id) {
    return buckets[Math.floorMod(id.hashCode(), buckets.length)];
  }

  /**
   * Adds {@code connection} and joins its rooms, which Logic's room index names this Comet for
   * already (its Connect recorded them). Returns the connection it replaced under the same key (the
   * same device reconnected), which the caller closes, or {@code null}.
   */
  public Connection add(Connection connection) {
    Connection previous = bucket(connection.key()).put(connection);
    if (previous != null) {
      leaveAll(previous);
    }
    Set<String> rooms = connection.rooms();
    if (!rooms.isEmpty()) {
      // Each member holds the room's own id: one string per room, not one per member.
      Set<String> ids = new HashSet<>();
      for (String room : rooms) {
        Room joined = bucket(room).join(room, connection);
        joined.markIndexed();
        ids.add(joined.id());
      }
      connection.rooms(ids);
    }
    return previous;
  }

  /** Removes {@code connection} (if it is still the one under its key) from its key and rooms. */
  public void remove(Connection connection) {
    bucket(connection.key()).remove(connection);
    leaveAll(connection);
  }

  private void leaveAll(Connection connection) {
    for (String room : connection.rooms()) {
      bucket(room).leave(room, connection);
    }
  }

  /** Moves {@code connection} into {@code roomId} as well; returns the room. */
  public Room join(Connection connection, String roomId) {
    Set<String> rooms = new HashSet<>(connection.rooms());
    Room room = bucket(roomId).join(roomId, connection);
    if (rooms.add(room.id())) {
      connection.rooms(rooms);
    }
    return room;
  }

  /** Takes {@code connection} out of {@code roomId}. */
  public void leave(Connection connection, String roomId) {
    Set<String> rooms = new HashSet<>(connection.rooms());
    if (rooms.remove(roomId)) {
      connection.rooms(rooms);
      bucket(roomId).leave(roomId, connection);
    }
  }

  /**
   * Replaces all of {@code connection}'s rooms by {@code roomId} (goim's op 12); empty: none.
   * Returns the room joined, or {@code null} for none.
   */
  public Room change(Connection connection, String roomId) {
    for (String room : connection.rooms()) {
      if (!room.equals(roomId)) {
        leave(connection, room);
      }
    }
    return roomId.isEmpty() ? null : join(connection, roomId);
  }

  /** The connection of device {@code key}, or {@code null}. */
  public Connection get(String key) {
    return bucket(key).get(key);
  }

  /** The room {@code roomId} if any member is here, else {@code null}. */
  public Room room(String roomId) {
    return bucket(roomId).room(roomId);
  }

  /** Connections on this Comet. */
  public int size() {
    int size = 0;
    for (Bucket bucket : buckets) {
      size += bucket.size();
    }
    return size;
  }

  public void forEachConnection(Consumer<Connection> action) {
    for (Bucket bucket : buckets) {
      bucket.forEachConnection(action);
    }
  }

  /** Room id to members on this Comet, for rooms with any. */
  public Map<String, Integer> roomCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (Bucket bucket : buckets) {
      bucket.forEachRoom(
          room -> {
            int size = room.size();
            if (size > 0) {
              counts.put(room.id(), size);
            }
          });
    }
    return counts;
  }

  /** Every room with members here. */
  public void forEachRoom(Consumer<Room> action) {
    for (Bucket bucket : buckets) {
      bucket.forEachRoom(action);
    }
  }
}
