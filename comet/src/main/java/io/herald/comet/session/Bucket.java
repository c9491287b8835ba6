package io.herald.comet.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One shard of the Comet's connections (goim's bucket): connections by device key, and the rooms
 * their members are in. A room lives in the bucket of its id, so a room's members may come from any
 * bucket.
 */
public final class Bucket {
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();

  Connection put(Connection connection) {
    return connections.put(connection.key(), connection);
  }

  boolean remove(Connection connection) {
    return connections.remove(connection.key(), connection);
  }

  Connection get(String key) {
    return connections.get(key);
  }

  int size() {
    return connections.size();
  }

  void forEachConnection(Consumer<Connection> action) {
    connections.values().forEach(action);
  }

  Room join(String roomId, Connection connection) {
    Room room = rooms.computeIfAbsent(roomId, Room::new);
    room.add(connection);
    return room;
  }

  void leave(String roomId, Connection connection) {
    rooms.computeIfPresent(
        roomId,
        (id, room) -> {
          room.remove(connection);
          return room.size() == 0 ? null : room;
        });
  }

  Room room(String roomId) {
    return rooms.get(roomId);
  }

  void forEachRoom(Consumer<Room> action) {
    rooms.values().forEach(action);
  }
}
