package io.herald.logic.session;

import io.herald.config.Check;

/**
 * One authenticated connection as Logic records it.
 *
 * @param mid the user id
 * @param key the device key, unique across the cluster
 * @param serverId the Comet holding the connection
 * @param serverEpoch that Comet's start time (Unix ms); sessions of an older epoch are stale
 * @param platform {@code web}, {@code android}, ...; the duplicate-login policy is per platform
 */
public record Session(long mid, String key, String serverId, long serverEpoch, String platform) {
  public Session {
    Check.notBlank("key", key);
    Check.notBlank("serverId", serverId);
    platform = platform == null ? "" : platform;
  }
}
