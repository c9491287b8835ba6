package io.herald.idgen.db;

import java.sql.SQLException;

/**
 * The SQL differences between the databases IdGen runs on. The schema and most statements are
 * common SQL ({@code LEAST}, {@code GREATEST}, {@code CREATE TABLE IF NOT EXISTS}, {@code SELECT
 * ... FOR UPDATE}); what differs is how a row is inserted unless present and how an update returns
 * the new values.
 */
public enum Dialect {
  POSTGRESQL,
  MYSQL,
  H2;

  /** The dialect a JDBC URL names. */
  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:")) {
      return MYSQL;
    }
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "url: "
            + jdbcUrl
            + " (expected: jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb: or jdbc:h2:)");
  }

  /**
   * {@code INSERT INTO table (columns) VALUES (placeholders)} that does nothing when the row's key
   * exists: {@code ON CONFLICT DO NOTHING} on PostgreSQL, {@code INSERT IGNORE} on MySQL; H2 runs a
   * plain insert and the caller treats {@link #isDuplicateKey} as "already there".
   */
  public String insertIfAbsent(String table, String columns, String placeholders) {
    return switch (this) {
      case POSTGRESQL ->
          "INSERT INTO "
              + table
              + " ("
              + columns
              + ") VALUES ("
              + placeholders
              + ")"
              + " ON CONFLICT DO NOTHING";
      case MYSQL ->
          "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
      case H2 -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
    };
  }

  /** Whether an {@code UPDATE} can hand back the updated row ({@code RETURNING}). */
  public boolean updateReturning() {
    return this == POSTGRESQL;
  }

  /** An integrity-constraint violation (SQLState class 23) such as a duplicate primary key. */
  public static boolean isDuplicateKey(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      String state = next.getSQLState();
      if (state != null && state.startsWith("23")) {
        return true;
      }
    }
    return false;
  }
}
