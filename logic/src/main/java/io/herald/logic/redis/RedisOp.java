package io.herald.logic.redis;

import java.util.Locale;

/** What a Redis round trip was for: the {@code op} tag of {@code herald.logic.redis.latency}. */
public enum RedisOp {
  /** Recording a new session. */
  PUT,
  /** Renewing (or recreating) a session on a Heartbeat. */
  RENEW,
  /** Removing a closed connection's session. */
  REMOVE,
  /** Reading sessions by mid or by key. */
  LOOKUP,
  /** Dropping index entries a lookup found dead. */
  CLEANUP,
  /** Deleting a restarted Comet's stale sessions. */
  PURGE,
  /** Storing a Comet's online report. */
  ONLINE_REPORT,
  /** Reading every Comet's online report. */
  ONLINE_READ,
  /** Recording which rooms a Comet holds members of. */
  ROOM_HOLD,
  /** Reading which Comets hold members of a room. */
  ROOM_READ,
  /** Checking the store's incarnation (and that it answers). */
  INCARNATION,
  /** Appending a stored message to a user's inbox. */
  INBOX_APPEND,
  /** Reading a user's inbox (SYNC, ReadInbox) or its devices' cursors. */
  INBOX_READ,
  /** Moving devices' inbox cursors. */
  INBOX_CURSOR;

  /** The tag value, e.g. {@code online_report}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
