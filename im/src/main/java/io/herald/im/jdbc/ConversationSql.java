package io.herald.im.jdbc;

import io.herald.im.ConvKey;
import io.herald.im.ConversationPage;
import io.herald.im.ConversationView;
import io.herald.im.Membership;
import io.herald.im.Message;
import io.herald.im.ReadState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A user's conversation list, read cursors and unread counts. */
final class ConversationSql {
  private static final String CONVERSATION_COLUMNS =
      "c.conv_key, c.kind, c.group_id, c.last_seq, c.updated_ms";

  /**
   * One-to-one rows by the (lo, updated_ms) and (hi, updated_ms) indexes, group rows through the
   * user's im_member rows; the newest {@code limit + 1}, then their read cursors, member counts and
   * last messages.
   */
  private static final String LIST =
      "SELECT t.conv_key, t.kind, t.group_id, t.last_seq, t.updated_ms, t.joined_seq,"
          + " r.read_seq, g.member_count, "
          + "x.conv_key, x.seq, x.id, x.sender, x.client_msg_id, x.content_type, x.content,"
          + " x.sent_ms"
          + " FROM (SELECT * FROM ("
          + "SELECT "
          + CONVERSATION_COLUMNS
          + ", CAST(0 AS BIGINT) AS joined_seq FROM im_conversation c"
          + " WHERE c.lo = ? AND c.updated_ms < ?"
          + " UNION ALL SELECT "
          + CONVERSATION_COLUMNS
          + ", CAST(0 AS BIGINT) AS joined_seq FROM im_conversation c"
          + " WHERE c.hi = ? AND c.updated_ms < ?"
          + " UNION ALL SELECT "
          + CONVERSATION_COLUMNS
          + ", m.joined_seq FROM im_member m"
          + " JOIN im_conversation c ON c.conv_key = CONCAT('g:', m.group_id)"
          + " WHERE m.mid = ? AND c.updated_ms < ?"
          + ") u ORDER BY updated_ms DESC, conv_key DESC LIMIT ?) t"
          + " LEFT JOIN im_read r ON r.mid = ? AND r.conv_key = t.conv_key"
          + " LEFT JOIN im_group g ON g.id = t.group_id"
          + " LEFT JOIN im_message x ON x.conv_key = t.conv_key AND x.seq = t.last_seq"
          + " ORDER BY t.updated_ms DESC, t.conv_key DESC";

  private static final String COUNT_UNREAD =
      "SELECT COUNT(*) FROM (SELECT 1 FROM im_message WHERE conv_key = ? AND seq > ?"
          + " AND sender <> ? ORDER BY seq LIMIT ?) u";

  private final Jdbc jdbc;
  private final GroupSql groups;
  private final MessageSql messages;

  ConversationSql(Jdbc jdbc, GroupSql groups, MessageSql messages) {
    this.jdbc = jdbc;
    this.groups = groups;
    this.messages = messages;
  }

  ConversationPage list(long mid, long beforeUpdatedMs, int limit, int unreadCap) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    checkCap(unreadCap);
    long before = beforeUpdatedMs > 0 ? beforeUpdatedMs : Long.MAX_VALUE;
    return jdbc.call(
        "conversations",
        c -> {
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement s = jdbc.prepare(c, LIST)) {
            s.setLong(1, mid);
            s.setLong(2, before);
            s.setLong(3, mid);
            s.setLong(4, before);
            s.setLong(5, mid);
            s.setLong(6, before);
            s.setInt(7, limit + 1);
            s.setLong(8, mid);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                rows.add(row(rs));
              }
            }
          }
          boolean more = rows.size() > limit;
          if (more) {
            rows.remove(rows.size() - 1);
          }
          List<ConversationView> views = new ArrayList<>(rows.size());
          for (Row r : rows) {
            long floor = Math.max(r.readSeq, r.joinedSeq);
            views.add(
                new ConversationView(
                    r.conv,
                    r.conv.kind(),
                    r.conv.idFor(mid),
                    r.lastSeq,
                    r.readSeq,
                    unread(c, r.conv, mid, floor, r.lastSeq, r.last, unreadCap),
                    r.updatedMs,
                    r.last,
                    r.conv.isGroup() ? r.memberCount : 0));
          }
          return new ConversationPage(views, more);
        });
  }

  /** A listed row before its unread count. */
  private record Row(
      ConvKey conv,
      long lastSeq,
      long updatedMs,
      long joinedSeq,
      long readSeq,
      int memberCount,
      Message last) {}

  private static Row row(ResultSet rs) throws SQLException {
    rs.getString(9);
    Message last = rs.wasNull() ? null : Jdbc.message(rs, 9);
    return new Row(
        ConvKey.parse(rs.getString(1)),
        rs.getLong(4),
        rs.getLong(5),
        rs.getLong(6),
        rs.getLong(7), // 0 when NULL: nothing read
        rs.getInt(8),
        last);
  }

  ReadState markRead(long mid, ConvKey conv, long seq, int unreadCap) {
    checkCap(unreadCap);
    return jdbc.call(
        "markRead",
        c -> {
          long lastSeq = messages.lastSeq(c, conv);
          long target = Math.max(0, Math.min(seq, lastSeq));
          long readSeq = advance(c, mid, conv, target);
          long floor = readSeq;
          if (conv.isGroup()) {
            floor =
                Math.max(
                    floor,
                    groups
                        .membership(c, conv.groupId(), mid)
                        .map(Membership::joinedSeq)
                        .orElse(0L));
          }
          return new ReadState(readSeq, unread(c, conv, mid, floor, lastSeq, null, unreadCap));
        });
  }

  /** Moves the cursor to at least {@code target}; returns the cursor after. */
  private long advance(Connection c, long mid, ConvKey conv, long target) throws SQLException {
    if (jdbc.postgres()) {
      try (PreparedStatement s =
          jdbc.prepare(
              c,
              "INSERT INTO im_read (mid, conv_key, read_seq) VALUES (?, ?, ?)"
                  + " ON CONFLICT (mid, conv_key) DO UPDATE"
                  + " SET read_seq = GREATEST(im_read.read_seq, EXCLUDED.read_seq)"
                  + " RETURNING read_seq")) {
        s.setLong(1, mid);
        s.setString(2, conv.value());
        s.setLong(3, target);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
    // H2: update, else insert unless a concurrent call did, else update again.
    for (int attempt = 0; ; attempt++) {
      try (PreparedStatement update =
          jdbc.prepare(
              c,
              "SELECT read_seq FROM FINAL TABLE (UPDATE im_read SET read_seq ="
                  + " GREATEST(read_seq, ?) WHERE mid = ? AND conv_key = ?)")) {
        update.setLong(1, target);
        update.setLong(2, mid);
        update.setString(3, conv.value());
        try (ResultSet rs = update.executeQuery()) {
          if (rs.next()) {
            return rs.getLong(1);
          }
        }
      }
      if (attempt > 0) {
        throw new SQLException("read cursor of " + mid + " in " + conv + " vanished", "40001");
      }
      try (PreparedStatement insert =
          jdbc.prepare(
              c,
              "INSERT INTO im_read (mid, conv_key, read_seq) VALUES (?, ?, ?)"
                  + " ON CONFLICT DO NOTHING")) {
        insert.setLong(1, mid);
        insert.setString(2, conv.value());
        insert.setLong(3, target);
        if (insert.executeUpdate() == 1) {
          return target;
        }
      }
    }
  }

  /**
   * Messages after {@code floor} not sent by {@code mid}, at most {@code cap}; no statement when
   * nothing lies after the floor or the only message after it is the user's own last one.
   */
  private int unread(
      Connection c, ConvKey conv, long mid, long floor, long lastSeq, Message last, int cap)
      throws SQLException {
    if (lastSeq <= floor) {
      return 0;
    }
    if (lastSeq == floor + 1 && last != null && last.seq() == lastSeq) {
      return last.sender() == mid ? 0 : 1;
    }
    try (PreparedStatement s = jdbc.prepare(c, COUNT_UNREAD)) {
      s.setString(1, conv.value());
      s.setLong(2, floor);
      s.setLong(3, mid);
      s.setInt(4, cap);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void checkCap(int unreadCap) {
    if (unreadCap < 1) {
      throw new IllegalArgumentException("unreadCap: " + unreadCap + " (expected: >= 1)");
    }
  }
}
