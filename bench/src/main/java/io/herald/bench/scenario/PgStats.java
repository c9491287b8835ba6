package io.herald.bench.scenario;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the IM tables hold and what PostgreSQL counted, read over JDBC from outside Logic: bytes of
 * each {@code im_*} table with its indexes and TOAST ({@code pg_total_relation_size}), rows
 * inserted and updated ({@code pg_stat_user_tables}), and the database's commits ({@code
 * pg_stat_database.xact_commit}: with auto-commit, one per statement outside a transaction).
 *
 * @param bytes per table
 * @param written rows inserted plus updated, per table
 * @param commits transactions committed in the database
 * @param messages rows of {@code im_message}
 */
record PgStats(Map<String, Long> bytes, Map<String, Long> written, long commits, long messages) {

  static PgStats read(String jdbcUrl) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("select pg_stat_clear_snapshot()");
      Map<String, Long> bytes = new TreeMap<>();
      Map<String, Long> written = new TreeMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "select c.relname, pg_total_relation_size(c.oid),"
                  + " coalesce(s.n_tup_ins + s.n_tup_upd, 0)"
                  + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                  + " left join pg_stat_user_tables s on s.relid = c.oid"
                  + " where n.nspname = current_schema() and c.relkind = 'r'"
                  + " and c.relname like 'im\\_%'")) {
        while (rows.next()) {
          bytes.put(rows.getString(1), rows.getLong(2));
          written.put(rows.getString(1), rows.getLong(3));
        }
      }
      long commits;
      try (ResultSet rows =
          statement.executeQuery(
              "select xact_commit from pg_stat_database where datname = current_database()")) {
        rows.next();
        commits = rows.getLong(1);
      }
      long messages;
      try (ResultSet rows = statement.executeQuery("select count(*) from im_message")) {
        rows.next();
        messages = rows.getLong(1);
      }
      return new PgStats(bytes, written, commits, messages);
    }
  }

  /**
   * Reads once the counters have settled: a PostgreSQL 15 backend reports its statistics when it
   * goes idle, at most {@value #IDLE_FLUSH_SECONDS} s late, so this waits that long after the load
   * stopped, then until two reads a second apart agree.
   */
  static PgStats settled(String jdbcUrl) throws SQLException, InterruptedException {
    Thread.sleep(IDLE_FLUSH_SECONDS * 1_000L);
    PgStats last = read(jdbcUrl);
    for (int i = 0; i < IDLE_FLUSH_SECONDS; i++) {
      Thread.sleep(1_000);
      PgStats now = read(jdbcUrl);
      if (now.written().equals(last.written())) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static final int IDLE_FLUSH_SECONDS = 11;

  long totalBytes() {
    return bytes.values().stream().mapToLong(Long::longValue).sum();
  }

  long totalWritten() {
    return written.values().stream().mapToLong(Long::longValue).sum();
  }
}
