package io.herald.idgen.segment;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.Dialect;
import io.herald.idgen.db.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Segments from {@code herald_idgen_segment(tag, max_id, step, updated_at)}, Leaf style: one
 * transaction raises the tag's {@code max_id} by the step and reads it back, so the range {@code
 * [max_id - step, max_id)} is this caller's alone: the row lock serialises concurrent servers.
 *
 * <p>The update lists {@code max_id} before {@code step}: MySQL evaluates assignments left to right
 * with the new values, PostgreSQL and H2 with the old ones; in this order both read the old step.
 */
public final class JdbcSegmentStore implements SegmentSource {
  private static final String TABLE = Schema.SEGMENT_TABLE;
  private static final String CLAMP = "LEAST(GREATEST(step, ?), ?)";
  private static final String UPDATE_STORED_STEP =
      "UPDATE "
          + TABLE
          + " SET max_id = max_id + "
          + CLAMP
          + ", step = "
          + CLAMP
          + ", updated_at = CURRENT_TIMESTAMP WHERE tag = ?";
  private static final String UPDATE_STEP =
      "UPDATE "
          + TABLE
          + " SET max_id = max_id + ?, step = ?, updated_at = CURRENT_TIMESTAMP WHERE tag = ?";

  private final Database database;

  public JdbcSegmentStore(Database database) {
    this.database = database;
  }

  /**
   * Creates the tag's row unless it exists: ids start at {@code firstId}, segments are {@code step}
   * long until adapted.
   */
  public void ensureTag(String tag, long firstId, int step) {
    Dialect dialect = database.dialect();
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                dialect.insertIfAbsent(
                    TABLE, "tag, max_id, step, updated_at", "?, ?, ?, CURRENT_TIMESTAMP"))) {
      s.setString(1, tag);
      s.setLong(2, firstId);
      s.setInt(3, step);
      s.executeUpdate();
    } catch (SQLException e) {
      if (!Dialect.isDuplicateKey(e)) {
        throw new SegmentStoreException("cannot create the row of tag " + tag + ": " + e, e);
      }
    }
  }

  @Override
  public Allocation allocate(String tag, int step, int minStep, int maxStep) {
    Dialect dialect = database.dialect();
    String update = step > 0 ? UPDATE_STEP : UPDATE_STORED_STEP;
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        Allocation allocation;
        if (dialect.updateReturning()) {
          try (PreparedStatement s = c.prepareStatement(update + " RETURNING max_id, step")) {
            bind(s, tag, step, minStep, maxStep);
            try (ResultSet rs = s.executeQuery()) {
              allocation = read(rs, tag);
            }
          }
        } else {
          try (PreparedStatement s = c.prepareStatement(update)) {
            bind(s, tag, step, minStep, maxStep);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement("SELECT max_id, step FROM " + TABLE + " WHERE tag = ?")) {
            s.setString(1, tag);
            try (ResultSet rs = s.executeQuery()) {
              allocation = read(rs, tag);
            }
          }
        }
        c.commit();
        return allocation;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new SegmentStoreException("cannot allocate a segment of tag " + tag + ": " + e, e);
    }
  }

  private static void bind(PreparedStatement s, String tag, int step, int minStep, int maxStep)
      throws SQLException {
    if (step > 0) {
      s.setLong(1, step);
      s.setInt(2, step);
      s.setString(3, tag);
    } else {
      s.setInt(1, minStep);
      s.setInt(2, maxStep);
      s.setInt(3, minStep);
      s.setInt(4, maxStep);
      s.setString(5, tag);
    }
  }

  private static Allocation read(ResultSet rs, String tag) throws SQLException {
    if (!rs.next()) {
      throw new SQLException("no row for tag " + tag + " in " + TABLE);
    }
    long maxId = rs.getLong(1);
    int step = rs.getInt(2);
    return new Allocation(new Range(maxId - step, maxId), step);
  }
}
