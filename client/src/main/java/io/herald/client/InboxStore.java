package io.herald.client;

import java.util.Optional;

/**
 * Where a client keeps its {@link InboxPosition} per user between runs, so that a restarted
 * application SYNCs after what it already has instead of from the oldest message kept. The client
 * loads the position when it first connects as a user and saves it after each stored message it
 * hands to the listener, and after a reset.
 *
 * <p>Both methods are called on the client's event loop: they must be quick (a store that writes to
 * disk should write behind) and must not throw.
 */
public interface InboxStore {

  /** The position saved for {@code mid}, or empty when none was. */
  Optional<InboxPosition> load(long mid);

  /** Remembers {@code position} for {@code mid}, replacing what was saved. */
  void save(long mid, InboxPosition position);
}
