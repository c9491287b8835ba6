package io.herald.im.jdbc;

import io.herald.im.ConvKey;
import io.herald.im.ImUnavailableException;
import io.herald.im.Message;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the store runs SQL: a pooled connection per call, a transaction where asked, every {@link
 * SQLException} that is not handled turned into {@link ImUnavailableException}, and a count of
 * statements sent (the bench reads it).
 */
final class Jdbc {
  /** Message columns in the order {@link #message} reads them. */
  static final String MESSAGE_COLUMNS =
      "conv_key, seq, id, sender, client_msg_id, content_type, content, sent_ms";

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final ImDatabase database;
  private final LongAdder statements = new LongAdder();

  Jdbc(ImDatabase database) {
    this.database = database;
  }

  boolean postgres() {
    return database.postgres();
  }

  long statements() {
    return statements.sum();
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  <T> T call(String operation, Work<T> work) {
    try (Connection c = database.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new ImUnavailableException(operation, e);
    }
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T transaction(String operation, Work<T> work) {
    return call(operation, c -> inTransaction(c, work));
  }

  /**
   * Runs {@code work} on {@code c} in one transaction: committed if it returns, rolled back if it
   * throws; {@code c} is back in auto-commit afterwards, for whatever the caller runs next on it.
   */
  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** A prepared statement, counted. */
  PreparedStatement prepare(Connection c, String sql) throws SQLException {
    statements.increment();
    return c.prepareStatement(sql);
  }

  /** An integrity-constraint violation (SQL state class 23): unique or primary key. */
  static boolean isConstraintViolation(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      String state = next.getSQLState();
      if (state != null && state.startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  /** The message in the current row, its columns from {@code first} on as in MESSAGE_COLUMNS. */
  static Message message(ResultSet rs, int first) throws SQLException {
    return new Message(
        ConvKey.parse(rs.getString(first)),
        rs.getLong(first + 1),
        rs.getLong(first + 2),
        rs.getLong(first + 3),
        rs.getLong(first + 4),
        rs.getInt(first + 5),
        rs.getBytes(first + 6),
        rs.getLong(first + 7));
  }
}
