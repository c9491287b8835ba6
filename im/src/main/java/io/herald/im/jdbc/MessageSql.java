package io.herald.im.jdbc;

import io.herald.im.Appended;
import io.herald.im.ConvKey;
import io.herald.im.ConvKind;
import io.herald.im.HistoryPage;
import io.herald.im.Message;
import io.herald.im.NewMessage;
import io.herald.im.NoSuchGroupException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Appending messages (seq allocation) and reading history.
 *
 * <p>The seq is allocated by the statement that inserts the message: the conversation row's {@code
 * last_seq} is bumped and the message inserted with it in one transaction, so the row lock taken by
 * the bump orders the writers of a conversation and is held until the message commits: commit order
 * is seq order, and a failed insert (a duplicate) rolls the bump back, leaving no gap. On
 * PostgreSQL that is one statement, a data-modifying CTE, in auto-commit; on H2 the same two steps
 * in one local transaction. A one-to-one conversation's row is created when the bump finds none
 * (its first message), so the steady state costs exactly that one statement.
 */
final class MessageSql {
  private static final String PG_APPEND =
      "WITH c AS (UPDATE im_conversation SET last_seq = last_seq + 1, last_message_id = ?,"
          + " updated_ms = GREATEST(updated_ms, ?) WHERE conv_key = ? RETURNING last_seq)"
          + " INSERT INTO im_message ("
          + Jdbc.MESSAGE_COLUMNS
          + ") SELECT ?, c.last_seq, ?, ?, ?, ?, ?, ? FROM c RETURNING seq";
  private static final String H2_BUMP =
      "SELECT last_seq FROM FINAL TABLE (UPDATE im_conversation SET last_seq = last_seq + 1,"
          + " last_message_id = ?, updated_ms = GREATEST(updated_ms, ?) WHERE conv_key = ?)";
  private static final String H2_INSERT =
      "INSERT INTO im_message (" + Jdbc.MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private final Jdbc jdbc;

  MessageSql(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  Appended append(NewMessage m) {
    return jdbc.call(
        "append",
        c -> {
          long seq;
          try {
            seq = insert(c, m);
            if (seq == 0) {
              if (m.conv().kind() == ConvKind.GROUP) {
                throw new NoSuchGroupException(m.conv().groupId());
              }
              createConversation(c, m.conv(), m.sentMs());
              seq = insert(c, m);
            }
          } catch (SQLException e) {
            if (!Jdbc.isConstraintViolation(e)) {
              throw e;
            }
            Optional<Message> stored = byClientId(c, m.sender(), m.clientMsgId());
            if (stored.isEmpty()) {
              throw new IllegalStateException(
                  "message id " + m.messageId() + " is already used by another message", e);
            }
            return new Appended(stored.get(), true);
          }
          if (seq == 0) {
            throw new SQLException("conversation " + m.conv() + " vanished", "40001");
          }
          return new Appended(
              new Message(
                  m.conv(),
                  seq,
                  m.messageId(),
                  m.sender(),
                  m.clientMsgId(),
                  m.contentType(),
                  m.content(),
                  m.sentMs()),
              false);
        });
  }

  /** Bumps the seq and inserts; returns the seq, or 0 if the conversation has no row. */
  private long insert(Connection c, NewMessage m) throws SQLException {
    if (jdbc.postgres()) {
      try (PreparedStatement s = jdbc.prepare(c, PG_APPEND)) {
        s.setLong(1, m.messageId());
        s.setLong(2, m.sentMs());
        s.setString(3, m.conv().value());
        bindMessage(s, 4, m);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0;
        }
      }
    }
    return Jdbc.inTransaction(
        c,
        tx -> {
          long seq;
          try (PreparedStatement bump = jdbc.prepare(tx, H2_BUMP)) {
            bump.setLong(1, m.messageId());
            bump.setLong(2, m.sentMs());
            bump.setString(3, m.conv().value());
            try (ResultSet rs = bump.executeQuery()) {
              seq = rs.next() ? rs.getLong(1) : 0;
            }
          }
          if (seq != 0) {
            try (PreparedStatement s = jdbc.prepare(tx, H2_INSERT)) {
              s.setString(1, m.conv().value());
              s.setLong(2, seq);
              s.setLong(3, m.messageId());
              s.setLong(4, m.sender());
              s.setLong(5, m.clientMsgId());
              s.setInt(6, m.contentType());
              s.setBytes(7, m.content());
              s.setLong(8, m.sentMs());
              s.executeUpdate();
            }
          }
          return seq;
        });
  }

  /** Binds conv_key, id, sender, client_msg_id, content_type, content, sent_ms (not seq). */
  private static void bindMessage(PreparedStatement s, int first, NewMessage m)
      throws SQLException {
    s.setString(first, m.conv().value());
    s.setLong(first + 1, m.messageId());
    s.setLong(first + 2, m.sender());
    s.setLong(first + 3, m.clientMsgId());
    s.setInt(first + 4, m.contentType());
    s.setBytes(first + 5, m.content());
    s.setLong(first + 6, m.sentMs());
  }

  private void createConversation(Connection c, ConvKey conv, long nowMs) throws SQLException {
    try (PreparedStatement s =
        jdbc.prepare(
            c,
            "INSERT INTO im_conversation (conv_key, kind, lo, hi, group_id, last_seq,"
                + " last_message_id, updated_ms) VALUES (?, ?, ?, ?, ?, 0, 0, ?)"
                + " ON CONFLICT DO NOTHING")) {
      s.setString(1, conv.value());
      s.setInt(2, ConvKind.USER.code());
      s.setLong(3, conv.lo());
      s.setLong(4, conv.hi());
      s.setNull(5, Types.BIGINT);
      s.setLong(6, nowMs);
      s.executeUpdate();
    }
  }

  private Optional<Message> byClientId(Connection c, long sender, long clientMsgId)
      throws SQLException {
    try (PreparedStatement s =
        jdbc.prepare(
            c,
            "SELECT "
                + Jdbc.MESSAGE_COLUMNS
                + " FROM im_message WHERE sender = ? AND client_msg_id = ?")) {
      s.setLong(1, sender);
      s.setLong(2, clientMsgId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(Jdbc.message(rs, 1)) : Optional.empty();
      }
    }
  }

  HistoryPage history(
      ConvKey conv, long afterSeq, long beforeSeq, long minSeqExclusive, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    boolean forward = afterSeq > 0;
    String sql =
        forward
            ? "SELECT "
                + Jdbc.MESSAGE_COLUMNS
                + " FROM im_message WHERE conv_key = ? AND seq > ? ORDER BY seq LIMIT ?"
            : "SELECT "
                + Jdbc.MESSAGE_COLUMNS
                + " FROM im_message WHERE conv_key = ? AND seq > ? AND seq < ?"
                + " ORDER BY seq DESC LIMIT ?";
    return jdbc.call(
        "history",
        c -> {
          List<Message> messages = new ArrayList<>();
          try (PreparedStatement s = jdbc.prepare(c, sql)) {
            s.setString(1, conv.value());
            if (forward) {
              s.setLong(2, Math.max(afterSeq, minSeqExclusive));
              s.setInt(3, limit + 1);
            } else {
              s.setLong(2, Math.max(0, minSeqExclusive));
              s.setLong(3, beforeSeq > 0 ? beforeSeq : Long.MAX_VALUE);
              s.setInt(4, limit + 1);
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                messages.add(Jdbc.message(rs, 1));
              }
            }
          }
          boolean more = messages.size() > limit;
          if (more) {
            messages.remove(messages.size() - 1);
          }
          if (!forward) {
            Collections.reverse(messages);
          }
          // Read after the messages: the last seq is then at least the newest one returned.
          return new HistoryPage(messages, more, lastSeq(c, conv));
        });
  }

  long lastSeq(Connection c, ConvKey conv) throws SQLException {
    try (PreparedStatement s =
        jdbc.prepare(c, "SELECT last_seq FROM im_conversation WHERE conv_key = ?")) {
      s.setString(1, conv.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
