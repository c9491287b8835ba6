package io.herald.comet.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The members of one room on this Comet, and the room's cluster-wide online count as Logic last
 * reported it (what heartbeat replies carry).
 */
public final class Room {
  private final String id;
  private final Set<Connection> members = ConcurrentHashMap.newKeySet();
  private volatile int onlineCount;

  Room(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  boolean add(Connection connection) {
    return members.add(connection);
  }

  boolean remove(Connection connection) {
    return members.remove(connection);
  }

  /** Members on this Comet. */
  public int size() {
    return members.size();
  }

  public void forEach(Consumer<Connection> action) {
    members.forEach(action);
  }

  /** The cluster-wide count Logic last reported; this Comet's own count until it has. */
  public int onlineCount() {
    int count = onlineCount;
    return count > 0 ? count : members.size();
  }

  public void onlineCount(int count) {
    this.onlineCount = count;
  }
}
