package io.herald.idgen.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * IdGen's tables, created or migrated on start. {@code herald_idgen_schema} holds the version in
 * one row; each start locks that row ({@code SELECT ... FOR UPDATE}) and applies the steps past it,
 * so replicas starting together migrate once.
 *
 * <ul>
 *   <li>{@code herald_idgen_segment(tag, max_id, step, updated_at)}: per segment tag, the first id
 *       not yet handed out and the step of the last allocation.
 *   <li>{@code herald_idgen_worker(pool, worker_id, holder, token, expires_at, high_water)}: worker
 *       id leases of the time-based layouts, when leases live in the database.
 * </ul>
 */
public final class Schema {
  public static final String SEGMENT_TABLE = "herald_idgen_segment";
  public static final String WORKER_TABLE = "herald_idgen_worker";
  static final String VERSION_TABLE = "herald_idgen_schema";

  /** Step i brings the schema from version i to i + 1. Never edit a released step; add one. */
  static final List<List<String>> STEPS =
      List.of(
          List.of(
              "CREATE TABLE IF NOT EXISTS "
                  + SEGMENT_TABLE
                  + " (tag VARCHAR(64) NOT NULL PRIMARY KEY, max_id BIGINT NOT NULL,"
                  + " step INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL)",
              "CREATE TABLE IF NOT EXISTS "
                  + WORKER_TABLE
                  + " (pool VARCHAR(32) NOT NULL, worker_id INTEGER NOT NULL,"
                  + " holder VARCHAR(128) NOT NULL, token BIGINT NOT NULL,"
                  + " expires_at BIGINT NOT NULL, high_water BIGINT NOT NULL,"
                  + " PRIMARY KEY (pool, worker_id))"));

  private Schema() {}

  /** The version this code runs on. */
  public static int latest() {
    return STEPS.size();
  }

  /** Creates or migrates the tables; returns the version found before. */
  static int migrate(DataSource dataSource, Dialect dialect) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + VERSION_TABLE
                + " (id INTEGER NOT NULL PRIMARY KEY, version INTEGER NOT NULL)");
      }
      try (PreparedStatement insert =
          c.prepareStatement(dialect.insertIfAbsent(VERSION_TABLE, "id, version", "1, 0"))) {
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!Dialect.isDuplicateKey(e)) {
          throw e;
        }
      }
      c.setAutoCommit(false);
      try {
        int found;
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT version FROM " + VERSION_TABLE + " WHERE id = 1 FOR UPDATE")) {
          rs.next();
          found = rs.getInt(1);
        }
        if (found > STEPS.size()) {
          throw new SQLException(
              "the idgen schema is at version "
                  + found
                  + ", newer than this server's "
                  + STEPS.size()
                  + "; upgrade the server");
        }
        try (Statement s = c.createStatement()) {
          for (int v = found; v < STEPS.size(); v++) {
            for (String sql : STEPS.get(v)) {
              s.execute(sql);
            }
          }
          s.executeUpdate("UPDATE " + VERSION_TABLE + " SET version = " + STEPS.size());
        }
        c.commit();
        return found;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }
}
