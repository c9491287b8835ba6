package io.herald.logic.session;

import java.util.Map;

/**
 * The session store's Redis keys and values (the full model is in {@code docs/architecture.md},
 * "Redis data model"). No hash tags: every command and script touches one key, so the keys spread
 * over a cluster's slots.
 *
 * <ul>
 *   <li>{@code <prefix>:key:<key>}: hash {@code mid}, {@code server}, {@code epoch}, {@code conn},
 *       {@code platform}: the session of a device key, the truth every lookup checks;
 *   <li>{@code <prefix>:mid:<mid>}: hash device key → {@code <serverId>|<epoch>|<conn>}: a user's
 *       devices;
 *   <li>{@code <prefix>:server:<serverId>}: sorted set of {@code <key>|<conn>}, the connections the
 *       Comet recorded, scored by the epoch they were recorded under.
 * </ul>
 *
 * <p>The mid entries and the server members name the connection, not only the device, so that
 * removing an old connection's entries never removes those its device's newer connection wrote.
 */
record RedisSessionKeys(String prefix) {
  static final String MID = "mid";
  static final String SERVER = "server";
  static final String EPOCH = "epoch";
  static final String CONN = "conn";
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

  /** A connection's entry in its mid's hash. */
  static String midEntry(Session session) {
    return midEntry(session.serverId(), session.serverEpoch(), session.connId());
  }

  static String midEntry(String serverId, long epoch, long connId) {
    return serverId + "|" + epoch + "|" + connId;
  }

  /** A connection's member in its Comet's sorted set. */
  static String serverMember(String key, long connId) {
    return key + "|" + connId;
  }

  /** The device key of a server set member (up to its last {@code |}), or {@code null}. */
  static String memberKey(String member) {
    int bar = member.lastIndexOf('|');
    return bar > 0 ? member.substring(0, bar) : null;
  }

  /** A mid hash entry, parsed; {@code null} if malformed. */
  record Entry(String serverId, long epoch, long connId) {}

  static Entry entry(String entry) {
    int connBar = entry.lastIndexOf('|');
    int epochBar = connBar > 0 ? entry.lastIndexOf('|', connBar - 1) : -1;
    if (epochBar <= 0) {
      return null;
    }
    try {
      return new Entry(
          entry.substring(0, epochBar),
          Long.parseLong(entry.substring(epochBar + 1, connBar)),
          Long.parseLong(entry.substring(connBar + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The session a {@code <prefix>:key:<key>} hash holds, or {@code null} if none or malformed. */
  static Session session(String key, Map<String, String> record) {
    String mid = record.get(MID);
    String server = record.get(SERVER);
    String epoch = record.get(EPOCH);
    String conn = record.get(CONN);
    if (mid == null || server == null || server.isBlank() || epoch == null || conn == null) {
      return null;
    }
    try {
      return new Session(
          Long.parseLong(mid),
          key,
          server,
          Long.parseLong(epoch),
          Long.parseLong(conn),
          record.get(PLATFORM));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
