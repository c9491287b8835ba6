package io.herald.logic.session;

import java.util.Map;

/**
 * The session store's Redis keys and values (the full model is in {@code docs/architecture.md},
 * "Redis data model"). No hash tags: every command and script touches one key, so the keys spread
 * over a cluster's slots.
 *
 * <ul>
 *   <li>{@code <prefix>:key:<key>}: hash {@code mid}, {@code server}, {@code epoch}, {@code
 *       platform}: the session of a device key, the truth every lookup checks;
 *   <li>{@code <prefix>:mid:<mid>}: hash device key → {@code <serverId>|<epoch>}: a user's devices;
 *   <li>{@code <prefix>:server:<serverId>}: sorted set of the device keys the Comet recorded,
 *       scored by the epoch they were recorded under.
 * </ul>
 */
record RedisSessionKeys(String prefix) {
  static final String MID = "mid";
  static final String SERVER = "server";
  static final String EPOCH = "epoch";
  static final String PLATFORM = "platform";

  String key(String key) {
    return prefix + ":key:" + key;
  }

  String mid(long mid) {
    return mid(String.valueOf(mid));
  }

  String mid(String mid) {
    return prefix + ":mid:" + mid;
  }

  String server(String serverId) {
    return prefix + ":server:" + serverId;
  }

  /** A device's entry in its mid's hash. */
  static String midEntry(String serverId, long epoch) {
    return serverId + "|" + epoch;
  }

  /** The server id of a mid hash entry (up to its last {@code |}), or {@code null}. */
  static String entryServer(String entry) {
    int bar = entry.lastIndexOf('|');
    return bar > 0 ? entry.substring(0, bar) : null;
  }

  /** The epoch of a mid hash entry, or -1 if it is malformed. */
  static long entryEpoch(String entry) {
    try {
      return Long.parseLong(entry.substring(entry.lastIndexOf('|') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The session a {@code <prefix>:key:<key>} hash holds, or {@code null} if none or malformed. */
  static Session session(String key, Map<String, String> record) {
    String mid = record.get(MID);
    String server = record.get(SERVER);
    String epoch = record.get(EPOCH);
    if (mid == null || server == null || server.isBlank() || epoch == null) {
      return null;
    }
    try {
      return new Session(
          Long.parseLong(mid), key, server, Long.parseLong(epoch), record.get(PLATFORM));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
