package io.herald.comet.session;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The members of one room on this Comet, the room's cluster-wide online count as Logic last
 * reported it (what heartbeat replies carry), and whether Logic's room index names this Comet for
 * the room yet (room pushes are routed by that index, so a member is answered only once it does).
 */
public final class Room {
  private static final CompletableFuture<Void> INDEXED = CompletableFuture.completedFuture(null);

  private final String id;
  private final Set<Connection> members = ConcurrentHashMap.newKeySet();
  private volatile int onlineCount;

  /** Null until this Comet asks Logic to index the room; then that request (or INDEXED). */
  private volatile CompletableFuture<Void> indexed;

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

  /** Records that Logic's room index names this Comet for the room already (AUTH's Connect did). */
  void markIndexed() {
    indexed = INDEXED;
  }

  /**
   * Completes once Logic's room index names this Comet for the room: at once if it does, else when
   * the request under way completes, else when {@code request} (started now, once for all members
   * joining meanwhile) does. A failed request is asked again by the next member.
   */
  public CompletableFuture<Void> indexed(Supplier<CompletableFuture<Void>> request) {
    CompletableFuture<Void> current = indexed;
    if (current != null && !current.isCompletedExceptionally()) {
      return current;
    }
    synchronized (this) {
      current = indexed;
      if (current == null || current.isCompletedExceptionally()) {
        current = request.get();
        indexed = current;
      }
      return current;
    }
  }
}
