package io.herald.logic.session;

import io.herald.config.Check;

/**
 * One authenticated connection as Logic records it.
 *
 * @param mid the user id
 * @param key the device key, unique across the cluster
 * @param serverId the Comet holding the connection
 * @param serverEpoch that Comet's start time (Unix ms); sessions of an older epoch are stale
 * @param connId the connection's id, unique among {@code serverId}'s connections of {@code
 *     serverEpoch}: with them it names this one connection, so that a late call about an older
 *     connection of the same key never removes or renews the newer one
 * @param platform {@code web}, {@code android}, ...; the duplicate-login policy is per platform
 */
public record Session(
    long mid, String key, String serverId, long serverEpoch, long connId, String platform) {
  public Session {
    Check.notBlank("key", key);
    Check.notBlank("serverId", serverId);
    platform = platform == null ? "" : platform;
  }

  /** Whether {@code other} records the same connection (user, key, Comet, epoch and id). */
  public boolean sameConnection(Session other) {
    return other != null
        && mid == other.mid
        && key.equals(other.key)
        && serverId.equals(other.serverId)
        && serverEpoch == other.serverEpoch
        && connId == other.connId;
  }
}
