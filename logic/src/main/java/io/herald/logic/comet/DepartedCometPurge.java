package io.herald.logic.comet;

import io.herald.logic.session.SessionStore;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges the sessions of a Comet that left the registry: its record expired (it died: a SIGKILL, a
 * lost machine) or it deregistered at the end of a drain. Its clients' connections are gone, so the
 * push API must answer them as offline at once instead of for the session TTL (15 min), while Job
 * drops their pushes as {@code comet_gone}. Only the epoch that left is purged ({@code
 * purgeStale(id, epoch + 1)}): if the same server id is back already, its new sessions stay.
 *
 * <p>Every Logic instance purges on its own; purging twice removes nothing the second time. A Comet
 * that is alive but whose record lapsed (its renewals failed for a TTL) re-registers and
 * re-announces its sessions as soon as it sees its record gone.
 */
public final class DepartedCometPurge implements RegistryListener {
  private static final Logger log = LoggerFactory.getLogger(DepartedCometPurge.class);

  private final SessionStore sessions;
  private final Map<String, Long> registered = new HashMap<>();

  public DepartedCometPurge(SessionStore sessions) {
    this.sessions = sessions;
  }

  @Override
  public void onChange(List<CometNode> nodes) {
    Map<String, Long> now = new HashMap<>();
    nodes.forEach(node -> now.put(node.getServerId(), node.getEpoch()));
    registered.forEach(
        (serverId, epoch) -> {
          Long current = now.get(serverId);
          if (current == null || current > epoch) {
            purge(serverId, epoch);
          }
        });
    registered.clear();
    registered.putAll(now);
  }

  private void purge(String serverId, long epoch) {
    var unused =
        sessions
            .purgeStale(serverId, epoch + 1)
            .whenComplete(
                (count, error) -> {
                  if (error != null) {
                    log.warn(
                        "Purging the sessions of {}, which left the registry, failed; they expire"
                            + " by TTL",
                        serverId,
                        error);
                  } else {
                    log.info(
                        "{} (epoch {}) left the registry: purged {} of its sessions",
                        serverId,
                        epoch,
                        count);
                  }
                });
  }
}
