package io.herald.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids a client handed to the application lately, to drop a second delivery of the same
 * id (a resend whose ACK crossed it, or the same message pushed and synced). Bounded: past {@code
 * capacity} ids the oldest is forgotten, so memory stays flat however long the client runs.
 * Confined to the event loop.
 */
final class RecentIds {
  /** How many ids a client remembers. */
  static final int CAPACITY = 4096;

  private final Map<Long, Boolean> ids;

  RecentIds(int capacity) {
    this.ids =
        new LinkedHashMap<>(64, 0.75f) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remembers {@code id}; {@code false} when it was remembered already. */
  boolean add(long id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  boolean contains(long id) {
    return ids.containsKey(id);
  }

  int size() {
    return ids.size();
  }
}
