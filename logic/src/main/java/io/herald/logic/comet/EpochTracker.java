package io.herald.logic.comet;

import io.herald.logic.session.SessionStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a Comet's new epoch (it restarted) in the calls it makes, and purges the sessions its
 * previous incarnation left behind — once per epoch per Logic instance, in the background. The
 * store counts what it purges ({@code herald.logic.sessions.purged}).
 */
final class EpochTracker {
  private static final Logger log = LoggerFactory.getLogger(EpochTracker.class);

  private final SessionStore sessions;
  private final Map<String, Long> epochs = new ConcurrentHashMap<>();

  EpochTracker(SessionStore sessions) {
    this.sessions = sessions;
  }

  void observe(String serverId, long epoch) {
    if (serverId.isEmpty() || epoch <= 0) {
      return;
    }
    Long before = epochs.get(serverId);
    if (before != null && before >= epoch) {
      return;
    }
    if (epochs.merge(serverId, epoch, Math::max) != epoch) {
      return; // a newer epoch won the race; its observer purges
    }
    var unused =
        sessions
            .purgeStale(serverId, epoch)
            .whenComplete(
                (count, error) -> {
                  if (error != null) {
                    log.warn(
                        "Purging stale sessions of {} failed; they expire by TTL", serverId, error);
                    epochs.remove(serverId, epoch);
                  } else if (count > 0) {
                    log.info("{} restarted: purged {} stale sessions", serverId, count);
                  }
                });
  }
}
