package io.herald.client;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link InboxStore} in memory: positions last as long as the store object. The default store of
 * a client (one per client); share one between clients of the same process to have a new client
 * continue where an old one stopped.
 */
public final class MemoryInboxStore implements InboxStore {
  private final Map<Long, InboxPosition> positions = new ConcurrentHashMap<>();

  @Override
  public Optional<InboxPosition> load(long mid) {
    return Optional.ofNullable(positions.get(mid));
  }

  @Override
  public void save(long mid, InboxPosition position) {
    positions.put(mid, position);
  }
}
